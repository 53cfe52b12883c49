package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Every help page of the command tree renders, and says what each command, option and parameter is for. */
class HelpPagesTest {

    /** Every command of the tree, the root first. */
    static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        collect(Runway.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        all.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, all));
    }

    @Test
    void everyCommandOptionAndParameterIsDescribedAndEverySummaryIsASentence() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : everyCommand()) {
            CommandSpec spec = command.getCommandSpec();
            String name = spec.qualifiedName();
            String[] description = spec.usageMessage().description();
            if (description.length == 0 || description[0].isBlank()) {
                problems.add(name + ": no description");
            } else if (!description[0].strip().endsWith(".")) {
                problems.add(name + ": its summary \"" + description[0] + "\" does not end in a full stop");
            }
            List<ArgSpec> arguments = new ArrayList<>(spec.options());
            arguments.addAll(spec.positionalParameters());
            for (ArgSpec argument : arguments) {
                String[] text = argument.description();
                if (text.length == 0 || String.join("", text).isBlank()) {
                    problems.add(name + " " + (argument.isOption() ? ((CommandLine.Model.OptionSpec) argument)
                            .longestName() : argument.paramLabel()) + ": no description");
                }
            }
            String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            if (usage.isBlank()) {
                problems.add(name + ": no help page");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(everyCommand()).hasSizeGreaterThan(25);
    }

    @Test
    void theTopLevelHelpFitsOneHundredColumns() {
        StringWriter out = new StringWriter();
        CommandLine root = Runway.commandLine();
        root.setOut(new PrintWriter(out));
        assertThat(root.execute("--help")).isZero();
        assertThat(out.toString().lines()).allSatisfy(line -> assertThat(line.length()).as(line)
                .isLessThanOrEqualTo(100));
        assertThat(out.toString()).contains("Commands:").contains("completion");
        String commands = out.toString().substring(out.toString().indexOf("Commands:"));
        assertThat(commands.lines().skip(1)).as("one line per command, no wrapped summary")
                .allSatisfy(line -> assertThat(line).matches("  [a-z-]+ +[A-Z].*\\."));
    }

    @Test
    void helpOfANestedCommandShowsThatCommand() {
        StringWriter out = new StringWriter();
        CommandLine root = Runway.commandLine(new String[] {"help", "job", "submit"});
        root.setOut(new PrintWriter(out));
        assertThat(root.execute("help", "job", "submit")).isZero();
        assertThat(out.toString()).contains("Usage: runway job submit").contains("--follow");
    }
}
