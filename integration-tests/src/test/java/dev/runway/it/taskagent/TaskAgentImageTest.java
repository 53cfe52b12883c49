package dev.runway.it.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/runway task-agent} of the built image, started as the launch agent starts it (working directory as cwd,
 * CIRCLE_WORKING_DIRECTORY, the task token on stdin), against a real server.
 */
class TaskAgentImageTest {
    private static final Path RUNWAY = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"))
            .toAbsolutePath().resolve("bin/runway");

    @TempDir
    static Path serverData;
    private static RunwayServer server;
    private static ManagementClient admin;
    private static RunnerClient runner;
    private static String resourceClass;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() throws Exception {
        assertThat(RUNWAY).as("the built image (package modules/distribution first)").isExecutable();
        server = RunwayServer.start(new ServerSettings(serverData, "127.0.0.1", 0));
        HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(30));
        admin = new ManagementClient(transport, server.adminToken());
        admin.createNamespace("taskagent-it", UUID.randomUUID().toString());
        resourceClass = "taskagent-it/image";
        admin.createResourceClass(resourceClass, "task agent image tests");
        runner = new RunnerClient(transport, admin.createToken(resourceClass, "it").token());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private ClaimResponse submitAndClaim(Map<String, String> secrets, String... steps) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String step : steps) {
            nodes.add(Json.mapper().readTree(step));
        }
        admin.submitJob(new JobSubmission(resourceClass, "image-job", nodes, null, secrets, null, null));
        return runner.claim(new ClaimRequest("it", "localhost", "it", "linux", "amd64", 1, 10)).orElseThrow();
    }

    /** Starts the task agent as the launch agent does and hands it the token. */
    private Process startTaskAgent(ClaimResponse claim) throws Exception {
        return startTaskAgent(claim, new byte[0]);
    }

    /** Starts the task agent as the launch agent does and hands it the token, then {@code job} (may be empty). */
    private Process startTaskAgent(ClaimResponse claim, byte[] job) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(RUNWAY.toString(), "task-agent", "--api-url",
                server.uri().toString(), "--task-id", claim.taskId(), "--max-run-time", "1h0m0s",
                "--cancel-grace-period", "2s").directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolveSibling(work.getFileName() + ".log").toFile());
        builder.environment().put("CIRCLE_WORKING_DIRECTORY", work.toString());
        builder.environment().put("CIRCLECI_LAUNCH_ID", UUID.randomUUID().toString());
        Process agent = builder.start();
        try (OutputStream stdin = agent.getOutputStream()) {
            stdin.write((claim.taskToken() + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.write(job);
        }
        return agent;
    }

    private String agentLog() throws Exception {
        return Files.readString(work.resolveSibling(work.getFileName() + ".log"));
    }

    private String output(String jobId, int step) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = admin.jobOutput(jobId, step, offset, Duration.ZERO);
            if (chunk.data().length == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(chunk.data());
            offset = chunk.nextOffset();
        }
    }

    @Test
    void runsTheJobAndKeepsTheTokenOutOfArgumentsAndEnvironment() throws Exception {
        ClaimResponse claim = submitAndClaim(Map.of("DEPLOY_KEY", "very-secret-deploy-key"),
                "{\"run\": \"echo start in $(pwd); sleep 2; echo \\\"key=$DEPLOY_KEY\\\"\"}");
        Process agent = startTaskAgent(claim);
        // the step runs: the task agent has read its token and the job
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> output(claim.jobId(), 0).contains("start in"));
        String cmdline = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "cmdline"),
                StandardCharsets.ISO_8859_1);
        String environ = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "environ"),
                StandardCharsets.ISO_8859_1);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(agent.exitValue()).as(agentLog()).isZero();
        assertThat(cmdline).contains("task-agent").doesNotContain(claim.taskToken());
        assertThat(environ).doesNotContain(claim.taskToken());
        assertThat(agentLog()).doesNotContain(claim.taskToken());
        JobStatus status = admin.jobStatus(claim.jobId());
        assertThat(status.state()).isEqualTo(JobState.SUCCESS);
        assertThat(output(claim.jobId(), 0)).isEqualTo("start in " + work.toRealPath() + "\nkey=********\n");
    }

    /**
     * Every line the task agent logs reaches its log, the first one too, written while its logging is still being
     * set up on another thread (a logger taken then once dropped lines). The job is handed over on stdin, as the
     * launch agent does, which is the quickest way to that first line; five tasks, as the race did not lose the line
     * every time.
     */
    @Test
    void logsTheJobsFirstLineAsWellWhenTheJobIsHandedOver() throws Exception {
        for (int i = 0; i < 5; i++) {
            ClaimResponse claim = submitAndClaim(null, "{\"run\": \"true\"}");
            byte[] job = runner.forTask(claim).jobJson();
            Process agent = startTaskAgent(claim, job);
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(agent.exitValue()).as(agentLog()).isZero();
            assertThat(agentLog()).contains("Task " + claim.taskId() + ": job image-job")
                    .contains("Task " + claim.taskId() + ": SUCCESS");
        }
    }

    @Test
    void sigtermStopsTheStepWithTheLadderFlushesAndReportsCanceled() throws Exception {
        ClaimResponse claim = submitAndClaim(null,
                "{\"run\": \"trap 'echo got TERM; sleep 0.2; echo cleaned up; exit 1' TERM; echo ready;"
                        + " sleep 100 & wait\"}",
                "{\"run\": {\"command\": \"echo should not run\", \"when\": \"always\"}}");
        Process agent = startTaskAgent(claim);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> output(claim.jobId(), 0).contains("ready"));
        agent.destroy(); // SIGTERM
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("task agent exited after SIGTERM").isTrue();

        JobStatus status = admin.jobStatus(claim.jobId());
        assertThat(status.state()).as(agentLog()).isEqualTo(JobState.CANCELED);
        assertThat(status.steps().get(0).status()).isEqualTo(StepStatus.CANCELED);
        assertThat(status.steps().get(1).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(output(claim.jobId(), 0)).startsWith("ready\n").contains("got TERM\ncleaned up\n")
                .contains("step stopped: the task agent received SIGTERM");
    }
}
