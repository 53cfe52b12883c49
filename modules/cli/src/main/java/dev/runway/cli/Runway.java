package dev.runway.cli;

import dev.runway.cli.taskagent.TaskAgentCommand;
import dev.runway.protocol.TaskAgentInvocation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code runway}: one launcher for the launch agent, the task agent, the server and the management commands. */
@Command(name = "runway", mixinStandardHelpOptions = true, versionProvider = Runway.Version.class,
        description = "Self-hosted CI runner: launch agent, task agent and control plane.")
public final class Runway {
    /**
     * Every subcommand by its name, in the order of the usage text. Picocli reads a command's annotations when the
     * command is added, which for the whole tree costs more than the JVM's own start; {@link #main} therefore adds
     * only the subcommand that it runs (the task agent starts once per task).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            "help", HelpCommand.class, "install", InstallCommand.class,
            "uninstall", UninstallCommand.class, TaskAgentInvocation.SUBCOMMAND, TaskAgentCommand.class,
            "launch-agent", LaunchAgentCommand.class, "quickstart", QuickstartCommand.class,
            "server", ServerCommand.class, "namespace", NamespaceCommand.class, "runner", RunnerCommand.class,
            "token", TokenCommand.class, "job", JobCommand.class, "config", ConfigCommand.class,
            "project", ProjectCommand.class, "pipeline", PipelineCommand.class, "workflow", WorkflowCommand.class,
            "run", RunCommand.class, "completion", CompletionCommand.class, "man-pages", ManPagesCommand.class,
            "context", ContextCommand.class, "schedule", ScheduleCommand.class,
            "gc", GcCommand.class);

    /** Exit code for bad input (configuration, arguments); picocli's usage errors use the same code. */
    public static final int EXIT_INVALID = ExitCodes.INVALID;

    /** Help pages are laid out for this many columns: every summary of {@code runway --help} on one line. */
    static final int USAGE_WIDTH = 100;

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command tree. */
    public static CommandLine commandLine() {
        CommandLine commandLine = root();
        SUBCOMMANDS.forEach(commandLine::addSubcommand);
        return commandLine.setUsageHelpWidth(USAGE_WIDTH);
    }

    /** The root command with the exit status table of {@link ExitCodes} for whatever a command throws. */
    private static CommandLine root() {
        return new CommandLine(new Runway()).setExecutionExceptionHandler(new ExitCodes());
    }

    /**
     * The tree that {@code args} need: the root and the subcommand that {@code args[0]} names; the whole tree for
     * anything else (help, a usage text, a mistyped name that picocli answers with suggestions).
     */
    static CommandLine commandLine(String[] args) {
        Class<?> subcommand = args.length == 0 || "help".equals(args[0]) ? null : SUBCOMMANDS.get(args[0]);
        if (subcommand == null) {
            return commandLine();
        }
        CommandLine commandLine = root();
        commandLine.addSubcommand(args[0], subcommand);
        return commandLine.setUsageHelpWidth(USAGE_WIDTH);
    }

    /** Names written out (reading each class's annotation would cost what the lazy tree saves); a test checks them. */
    private static Map<String, Class<?>> subcommands(Object... namesAndCommands) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < namesAndCommands.length; i += 2) {
            byName.put((String) namesAndCommands[i], (Class<?>) namesAndCommands[i + 1]);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The version the build stamped into the jar. */
    public static String version() {
        return Main.version();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Main.versionText()};
        }
    }
}
