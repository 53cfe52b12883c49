package dev.runway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runway.agent.LaunchAgent;
import dev.runway.agent.TreeRemover;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.config.Api;
import dev.runway.config.Health;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.config.Logging;
import dev.runway.config.Mode;
import dev.runway.config.Runner;
import dev.runway.config.Secret;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Launchers;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runway quickstart}: the whole system on one machine in one command. An embedded server in a temporary
 * directory, a namespace, resource class and token, a launch agent with the portable launcher, and a sample job
 * whose output streams here live; then everything stops and the temporary directory goes.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Runs a server, a launch agent and a sample job on this machine, then stops them.",
                "Starts a server and a launch agent in a temporary directory, runs a sample job with its output "
                    + "streamed here, prints the result and what to do next, then stops everything. Exit status: 0 "
                    + "when the sample job succeeded."})
public final class QuickstartCommand implements Callable<Integer> {
    static final String NAMESPACE = "quickstart";
    static final String RESOURCE_CLASS = NAMESPACE + "/local";

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "Keep the temporary directory (server data, logs; kept anyway when "
            + "the job fails) and print where it is.")
    boolean keep;

    @Option(names = "--step-command", paramLabel = "COMMAND",
            description = "Run these commands as the job's steps instead of the sample job (repeatable).")
    List<String> commands;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path home = Files.createTempDirectory("runway-quickstart-");
        // The server's and agent's routine logs go to a file: this command tells its own story.
        dev.runway.cli.logging.Logging.configure(agentLogging(home));
        out.println("Runway quickstart (temporary directory " + home + ")");
        RunwayServer server = null;
        Launcher launcher = null;
        LaunchAgent agent = null;
        Thread agentThread = null;
        boolean succeeded = false;
        try {
            server = RunwayServer.start(new ServerSettings(home.resolve("server"), "127.0.0.1", 0));
            out.println("  server        " + server.uri());
            ManagementClient management = new ManagementClient(new HttpTransport(server.uri(),
                    Duration.ofSeconds(30)), server.adminToken());
            management.createNamespace(NAMESPACE, java.util.UUID.randomUUID().toString());
            management.createResourceClass(RESOURCE_CLASS, "quickstart runners on this machine");
            String token = management.createToken(RESOURCE_CLASS, "quickstart").token();
            out.println("  resource class " + RESOURCE_CLASS + " (token created)");

            LaunchAgentConfig config = agentConfig(server, token, home);
            launcher = Launchers.installed().select("process", new LauncherSettings(List.of(), null,
                    config.runner().gracePeriod()));
            agent = LaunchAgent.builder(config, launcher).version(Runway.version())
                    .stateDirectory(home.resolve("agent-state")).notifiers(List.of()).build();
            LaunchAgent running = agent;
            AtomicInteger agentExit = new AtomicInteger(-1);
            agentThread = new Thread(() -> {
                try {
                    agentExit.set(running.run());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "quickstart-agent");
            agentThread.start();
            out.println("  launch agent  started (launcher: process, working directory "
                    + config.runner().workingDirectory() + ")");
            out.println();

            JobStatus submitted = management.submitJob(sampleJob());
            out.println("Job #" + submitted.buildNum() + " \"" + submitted.name() + "\" submitted");
            out.flush();
            JobStatus finished = new JobFollower(management, out).print(submitted.id(), true);
            succeeded = finished.state() == JobState.SUCCESS;
            printWhatNext(out);
            return succeeded ? 0 : 1;
        } catch (ApiException | LaunchException | RuntimeException e) {
            out.flush();
            spec.commandLine().getErr().println("quickstart failed: " + e.getMessage());
            return 1;
        } finally {
            stop(agent, agentThread, launcher, server);
            if (keep || !succeeded) {
                out.println("Kept " + home + " (logs in runway.log)");
            } else {
                TreeRemover.remove(home);
            }
            out.flush();
        }
    }

    private LaunchAgentConfig agentConfig(RunwayServer server, String token, Path home) {
        return localAgentConfig(server, token, home, "quickstart-" + ProcessHandle.current().pid(), home.resolve("work"),
                1, Duration.ofMinutes(10));
    }

    /** A launch agent on this machine with the process launcher, working in {@code work/<task>}. */
    static LaunchAgentConfig localAgentConfig(RunwayServer server, String token, Path home, String name, Path work,
            int slots, Duration maxRunTime) {
        Runner runner = new Runner(name, List.of(), work.toString() + "/%s", true, maxRunTime, Mode.CONTINUOUS,
                Duration.ZERO, true, "process", null, slots, Duration.ofSeconds(5), null, Duration.ZERO,
                List.of(), List.of());
        return new LaunchAgentConfig(new Api(server.uri().toString(), Secret.of(token)), runner,
                agentLogging(home), new Health(""));
    }

    static Logging agentLogging(Path home) {
        return new Logging(home.resolve("runway.log").toString(), Logging.Level.INFO, Logging.Format.TEXT, 0, 1);
    }

    /** Three steps that show what a job sees: its environment, live output over time, files in its directory. */
    JobSubmission sampleJob() {
        List<JsonNode> steps;
        if (commands != null && !commands.isEmpty()) {
            steps = commands.stream().map(command -> (JsonNode) step(command, command)).toList();
        } else {
            steps = List.of(
                    step("Show where the job runs", "echo \"host:              $(uname -n) ($(uname -sm))\"\n"
                            + "echo \"user:              $(id -un)\"\n"
                            + "echo \"working directory: $CIRCLE_WORKING_DIRECTORY\"\n"
                            + "echo \"job:               $CIRCLE_JOB #$CIRCLE_BUILD_NUM (CI=$CI)\""),
                    step("Print progress over time", "for i in 1 2 3 4 5; do echo \"progress $i/5\"; sleep 0.4; "
                            + "done"),
                    step("Write and read a file", "echo 'hello from a Runway job' > greeting.txt\n"
                            + "ls -l greeting.txt\ncat greeting.txt"));
        }
        return new JobSubmission(RESOURCE_CLASS, "quickstart-sample", steps, null, null, null, "10m");
    }

    private static ObjectNode step(String name, String command) {
        ObjectNode run = Json.mapper().createObjectNode().put("name", name).put("command", command);
        ObjectNode step = Json.mapper().createObjectNode();
        step.set("run", run);
        return step;
    }

    static void stop(LaunchAgent agent, Thread agentThread, Launcher launcher, RunwayServer server)
            throws InterruptedException {
        if (agent != null) {
            agent.drain();
            if (agentThread != null) {
                agentThread.join(Duration.ofSeconds(30).toMillis());
                if (agentThread.isAlive()) {
                    agent.cancelRunning();
                    agentThread.join(Duration.ofSeconds(20).toMillis());
                }
            }
        }
        if (launcher != null) {
            launcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void printWhatNext(PrintWriter out) {
        out.println();
        out.println("What next (docs/operation.md has the details):");
        out.println("  runway server                                            the control plane; as root, "
                + "admin token in " + ServerCommand.ROOT_DATA_DIR + "/admin-token");
        out.println("  runway namespace create my-org github my-org             with that token in CIRCLE_TOKEN:");
        out.println("  runway runner resource-class create my-org/linux \"Linux runners\"");
        out.println("  runway runner token create my-org/linux my-machine       prints a launch-agent config");
        out.println("  runway launch-agent --config launch-agent-config.yaml    a runner on each machine");
        out.println("  runway job submit job.yml --follow                       your own jobs");
    }
}
