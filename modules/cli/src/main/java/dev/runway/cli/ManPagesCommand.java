package dev.runway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;

/**
 * {@code runway man-pages DIR} (hidden; the image build runs it): one man page (troff, section 1) per command of
 * the tree, from the same model as the help pages: {@code runway.1}, {@code runway-job-submit.1}, ... Picocli's own
 * generator (picocli-codegen) writes AsciiDoc, which would need Asciidoctor at build time to become a man page.
 */
@Command(name = "man-pages", hidden = true, mixinStandardHelpOptions = true,
        description = "Writes a man page per command into a directory (the image build runs it).")
public final class ManPagesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Where the pages go (created if missing).")
    Path directory;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(directory);
        List<CommandLine> commands = new ArrayList<>();
        collect(Runway.commandLine(), commands);
        for (CommandLine command : commands) {
            Files.writeString(directory.resolve(pageName(command) + ".1"), page(command, Runway.version()),
                    StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static void collect(CommandLine command, List<CommandLine> all) {
        if (command.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        all.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, all));
    }

    /** "runway-job-submit" for {@code runway job submit}. */
    static String pageName(CommandLine command) {
        return command.getCommandSpec().qualifiedName("-");
    }

    /** The man page of {@code command}: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, ARGUMENTS, COMMANDS, SEE ALSO. */
    static String page(CommandLine command, String version) {
        CommandSpec spec = command.getCommandSpec();
        String name = spec.qualifiedName(" ");
        StringBuilder page = new StringBuilder();
        page.append(".TH \"").append(pageName(command).toUpperCase(Locale.ROOT)).append("\" 1 \"\" \"runway ")
                .append(escape(version)).append("\" \"Runway Manual\"\n");
        page.append(".SH NAME\n").append(escape(pageName(command))).append(" \\- ")
                .append(escape(first(spec.usageMessage().description()))).append('\n');
        page.append(".SH SYNOPSIS\n.nf\n").append(escape(command.getHelp().synopsis(0).strip())).append("\n.fi\n");
        page.append(".SH DESCRIPTION\n");
        for (String paragraph : spec.usageMessage().description()) {
            page.append(escape(paragraph)).append("\n.PP\n");
        }
        for (String paragraph : spec.usageMessage().footer()) {
            if (!paragraph.isBlank()) {
                page.append(escape(paragraph)).append("\n.br\n");
            }
        }
        if (!spec.options().isEmpty()) {
            page.append(".SH OPTIONS\n");
            for (OptionSpec option : spec.options()) {
                if (option.hidden()) {
                    continue;
                }
                page.append(".TP\n\\fB").append(escape(String.join(", ", option.names()))).append("\\fR");
                if (option.arity().max() > 0) {
                    page.append(" \\fI").append(escape(option.paramLabel())).append("\\fR");
                }
                page.append('\n').append(escape(text(option.description(), option.defaultValue()))).append('\n');
            }
        }
        if (!spec.positionalParameters().isEmpty()) {
            page.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec parameter : spec.positionalParameters()) {
                page.append(".TP\n\\fI").append(escape(parameter.paramLabel())).append("\\fR\n")
                        .append(escape(text(parameter.description(), parameter.defaultValue()))).append('\n');
            }
        }
        List<CommandLine> subcommands = command.getSubcommands().values().stream().distinct()
                .filter(sub -> !sub.getCommandSpec().usageMessage().hidden()).toList();
        if (!subcommands.isEmpty()) {
            page.append(".SH COMMANDS\n");
            for (CommandLine sub : subcommands) {
                page.append(".TP\n\\fB").append(escape(sub.getCommandName())).append("\\fR\n")
                        .append(escape(first(sub.getCommandSpec().usageMessage().description())))
                        .append(" See \\fB").append(escape(pageName(sub))).append("\\fR(1).\n");
            }
        }
        page.append(".SH SEE ALSO\n");
        CommandLine parent = command.getParent();
        page.append(parent == null ? "The exit statuses: docs/operation.md; scripting: docs/cli.md."
                : "\\fB" + escape(pageName(parent)) + "\\fR(1)").append('\n');
        return page.toString();
    }

    private static String first(String[] description) {
        return description.length == 0 ? "" : description[0];
    }

    private static String text(String[] description, String defaultValue) {
        return String.join(" ", description).replace("${DEFAULT-VALUE}", String.valueOf(defaultValue));
    }

    /** Backslashes doubled, and a leading dot or quote kept from reading as a request. */
    static String escape(String text) {
        String escaped = text.replace("\\", "\\\\").replace("-", "\\-");
        return escaped.lines().map(line -> line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
