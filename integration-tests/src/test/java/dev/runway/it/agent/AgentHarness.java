package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.testsupport.SharedDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real server (in this JVM, on loopback, with its data directory under {@code home}) with a namespace, resource
 * class and token, and real launch agents: {@code bin/runway launch-agent} of the built image as child processes,
 * which start real {@code runway task-agent} processes through the portable launcher.
 */
final class AgentHarness implements AutoCloseable {
    static final Path RUNWAY = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"))
            .toAbsolutePath().resolve("bin/runway");
    static final String NAMESPACE = "agent-tests";

    /** The image staged where other users can reach it, when the build's own is not: made once per test JVM. */
    private static SharedDirectory stagedImage;

    final Path home;
    /** The bin/runway later agents run: the build's image, or {@link #runwayForOtherUsers()}. */
    private Path runway = RUNWAY;
    private final List<AgentProcess> agents = new ArrayList<>();
    private RunwayServer server;
    private int port;
    ManagementClient management;
    /** The resource class that jobs are submitted to and agents claim from, and its token. */
    String resourceClass;
    String token;

    private AgentHarness(Path home) {
        this.home = home;
    }

    /**
     * The image's bin/runway where a task user can run it: the build's own when every folder on its way lets other
     * users through, else a copy staged once in a shared temporary folder (a checkout under /root or a 0700
     * {@code mktemp -d} keeps task users out of the build's image).
     */
    static synchronized Path runwayForOtherUsers() throws IOException, InterruptedException {
        Path image = RUNWAY.getParent().getParent();
        try {
            SharedDirectory.assertOthersCanReach(image);
            return RUNWAY;
        } catch (IllegalStateException outOfReach) {
            if (stagedImage == null) {
                SharedDirectory staged = SharedDirectory.create("runway-image-");
                Process copy = new ProcessBuilder("cp", "-a", image.toString(), staged.path().resolve("image")
                        .toString()).inheritIO().start();
                assertThat(copy.waitFor()).as("copy of the image for task users").isZero();
                Runtime.getRuntime().addShutdownHook(new Thread(staged::close));
                stagedImage = staged;
            }
            return stagedImage.path().resolve("image/bin/runway");
        }
    }

    /** Later agents run {@code runway} (e.g. {@link #runwayForOtherUsers()}). */
    void useRunway(Path runway) {
        this.runway = runway;
    }

    static AgentHarness start(Path home) throws Exception {
        assertThat(RUNWAY).as("the built image (package modules/distribution first)").isExecutable();
        AgentHarness harness = new AgentHarness(home);
        harness.startServer(0);
        harness.management.createNamespace(NAMESPACE, UUID.randomUUID().toString());
        harness.useNewResourceClass("linux");
        return harness;
    }

    /**
     * Creates a resource class and a token and makes them current: later agents claim from it and later jobs go
     * to it, so an agent of an earlier test can never take a later test's job.
     */
    void useNewResourceClass(String name) throws Exception {
        resourceClass = NAMESPACE + "/" + name;
        management.createResourceClass(resourceClass, "launch agent end-to-end tests");
        token = management.createToken(resourceClass, "e2e").token();
    }

    /** Starts the server on {@code port} (0: any) over the same data directory. */
    void startServer(int port) {
        startServer(port, UnaryOperator.identity());
    }

    /** As above, with the server's settings changed by {@code change}. */
    void startServer(int port, UnaryOperator<ServerSettings> change) {
        server = RunwayServer.start(change.apply(new ServerSettings(home.resolve("server"), "127.0.0.1", port)));
        this.port = server.port();
        management = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                server.adminToken());
    }

    /** A client of the projects and API v2 routes, with the admin token. */
    dev.runway.client.PipelinesClient pipelines() {
        return new dev.runway.client.PipelinesClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                server.adminToken());
    }

    void stopServer() {
        server.close();
        server = null;
    }

    /** The server comes back where it was: same data directory, same port. */
    void restartServer() {
        startServer(port);
    }

    int port() {
        return port;
    }

    /** The in-process server (null while stopped). */
    RunwayServer server() {
        return server;
    }

    String apiUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Writes a config (api section from this harness, runner section from the test) and starts an agent. */
    AgentProcess launchAgent(String name, String runnerYaml) throws IOException {
        return launchAgent(name, runnerYaml, "");
    }

    AgentProcess launchAgent(String name, String runnerYaml, String extraYaml) throws IOException {
        return launchAgent(name, runnerYaml, extraYaml, Map.of());
    }

    /** As above, with {@code environment} added to the agent's own. */
    AgentProcess launchAgent(String name, String runnerYaml, String extraYaml, Map<String, String> environment)
            throws IOException {
        Path directory = Files.createDirectories(home.resolve(name));
        Path config = directory.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + apiUrl() + "\n"
                + "runner:\n  name: " + name + "\n  launcher: process\n  working_directory: "
                + directory.resolve("work") + "/%s\n" + runnerYaml.indent(2) + extraYaml);
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path log = directory.resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(runway.toString(), "launch-agent", "--config", config.toString(),
                "--state-dir", directory.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        AgentProcess agent = new AgentProcess(process, log, directory);
        agents.add(agent);
        return agent;
    }

    JobStatus submit(String name, String... commands) throws Exception {
        return management.submitJob(JobSubmission.ofCommands(resourceClass, name, commands));
    }

    JobStatus submit(String name, String maxRunTime, List<JsonNode> steps) throws Exception {
        return management.submitJob(new JobSubmission(resourceClass, name, steps, null, null, null, maxRunTime));
    }

    static JsonNode run(String name, String command) {
        JsonNode run = Json.mapper().createObjectNode().put("name", name).put("command", command);
        return Json.mapper().createObjectNode().set("run", run);
    }

    JobStatus status(String jobId) throws Exception {
        return management.jobStatus(jobId);
    }

    /** Polls the job until {@code condition} holds; fails with the last status after {@code timeout}. */
    JobStatus awaitJob(String jobId, Predicate<JobStatus> condition, Duration timeout) throws Exception {
        AtomicReference<JobStatus> last = new AtomicReference<>();
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .ignoreException(ApiException.class) // server restarting: ask again
                    .until(() -> {
                        last.set(management.jobStatus(jobId));
                        return last.get();
                    }, condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " did not reach the expected state within " + timeout
                    + "; last status: " + last.get() + "\nagent logs:\n" + agentLogs(), e);
        }
    }

    JobStatus awaitFinal(String jobId, Duration timeout) throws Exception {
        return awaitJob(jobId, status -> status.state().isFinal(), timeout);
    }

    /** Waits until step {@code step}'s stored output contains {@code text}. */
    void awaitOutput(String jobId, int step, String text, Duration timeout) throws Exception {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> output(jobId, step).contains(text));
            return;
        } catch (ConditionTimeoutException e) {
            // described below
        }
        throw new AssertionError("step " + step + " of job " + jobId + " never printed \"" + text + "\"; output: "
                + output(jobId, step) + "\nstatus: " + status(jobId) + "\nagent logs:\n" + agentLogs());
    }

    /** Everything stored so far of a step's output. */
    String output(String jobId, int step) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = management.jobOutput(jobId, step, offset, Duration.ZERO);
            bytes.write(chunk.data());
            if (chunk.data().length == 0 || chunk.nextOffset() == offset) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            offset = chunk.nextOffset();
        }
    }

    static boolean isState(JobStatus status, JobState state) {
        return status.state() == state;
    }

    String agentLogs() {
        StringBuilder logs = new StringBuilder();
        for (AgentProcess agent : agents) {
            logs.append("--- ").append(agent.log()).append('\n').append(agent.logText()).append('\n');
        }
        return logs.toString();
    }

    @Override
    public void close() {
        for (AgentProcess agent : agents) {
            agent.killTree();
        }
        if (server != null) {
            server.close();
        }
    }
}
