package dev.runway.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runway help [COMMAND...]}: the help of a command at any depth ({@code runway help job submit}); picocli's
 * own help command looks at the first name only.
 */
@Command(name = "help", helpCommand = true,
        description = "Shows the help of a command, e.g. runway help job submit.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its subcommands.")
    String[] commands = {};

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
            PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(self, "Unknown command '" + name + "': "
                        + target.getCommandSpec().qualifiedName() + " has " + String.join(", ",
                        target.getSubcommands().keySet()), null, name);
            }
            target = next;
        }
        target.usage(out, colors);
    }
}
