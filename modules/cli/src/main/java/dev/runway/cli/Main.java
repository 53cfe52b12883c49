package dev.runway.cli;

import dev.runway.cli.taskagent.TaskAgentLog;
import dev.runway.cli.taskagent.TaskAgentProgram;
import dev.runway.cli.taskagent.TaskAgentWarmUp;
import dev.runway.protocol.TaskAgentInvocation;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Properties;

/**
 * The entry point of {@code bin/runway}. It answers {@code runway --version}, the commonest probe of an install,
 * before picocli is loaded (a class of its own, free of picocli types: the verifier loads what a class's methods
 * name), runs a task agent started by the launch agent without it ({@link TaskAgentInvocation#parse}, then
 * {@link TaskAgentProgram}) and a job's {@code circleci} command ({@code runway circleci tests ...}, see
 * {@link dev.runway.taskagent.circleci.CircleciCommand}) without it, and hands everything else to {@link Runway}; a
 * task agent logs through {@link TaskAgentLog}.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 1 && ("--version".equals(args[0]) || "-V".equals(args[0]))) {
            System.out.println(versionText());
            return;
        }
        if (args.length > 0 && TaskAgentInvocation.SUBCOMMAND.equals(args[0])) {
            TaskAgentLog.select();
            TaskAgentWarmUp.start();
            Optional<TaskAgentInvocation> options = TaskAgentInvocation.parse(args, 1);
            if (options.isPresent()) { // the launch agent's arguments: no picocli on the path of every task
                System.exit(TaskAgentProgram.main(options.get()));
            }
        }
        if (args.length > 0 && "circleci".equals(args[0])) { // the job's circleci script (a task agent's tools)
            System.exit(new dev.runway.taskagent.circleci.CircleciCommand(System.in, System.out, System.err,
                    System.getenv(), java.nio.file.Path.of("").toAbsolutePath()).run(java.util.Arrays.copyOfRange(
                    args, 1, args.length)));
        }
        Runway.main(args);
    }

    /** What {@code runway --version} prints (picocli's version option prints the same). */
    static String versionText() {
        return "runway " + version() + " (Java " + System.getProperty("java.runtime.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")";
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
