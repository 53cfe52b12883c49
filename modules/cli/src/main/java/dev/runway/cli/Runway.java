package dev.runway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code runway}: one launcher for the launch agent, the task agent, the server and the management commands. */
@Command(name = "runway", mixinStandardHelpOptions = true, versionProvider = Runway.Version.class,
        description = "Self-hosted CI runner: launch agent, task agent and control plane.",
        subcommands = {CommandLine.HelpCommand.class, InstallCommand.class, UninstallCommand.class,
                TaskAgentCommand.class, LaunchAgentCommand.class, QuickstartCommand.class,
                ServerCommand.class, NamespaceCommand.class, RunnerCommand.class, JobCommand.class,
                ConfigCommand.class})
public final class Runway {

    /** Exit code for bad input (configuration, arguments); picocli's usage errors use the same code. */
    public static final int EXIT_INVALID = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree; every subcommand registers here. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Runway());
        return commandLine;
    }

    /** The version the build stamped into the jar. */
    public static String version() {
        try (InputStream in = Runway.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"runway " + version() + " (Java " + Runtime.version() + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
        }
    }
}
