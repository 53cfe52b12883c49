package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.testsupport.ServerFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server (a JVM of its own) is killed with SIGKILL while a step streams output, and restarted on the same data
 * directory and port: the task agent retries, resumes at the server's offset, and the stored output is byte-exact.
 */
class ServerRestartTest {
    /** About 24 MiB of seq's text, printed in 40 bursts over several seconds. */
    private static final String STEP = "{\"run\": \"for i in $(seq 0 39); do seq $((i*100000+1)) $((i*100000+100000));"
            + " sleep 0.1; done\"}";
    private static final long SEQ_COUNT = 4_000_000;

    @TempDir
    Path data;
    @TempDir
    Path work;
    private Process server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    /** Starts the server JVM; answers "URI ADMIN_TOKEN" as it printed them. */
    private String[] startServer(int port) throws Exception {
        server = JavaProcess.builder(List.of("-Xmx256m"), ServerMain.class, data.toString(), Integer.toString(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("http://")) {
                return line.split(" ");
            }
        }
        throw new AssertionError("the server did not start (exit " + server.waitFor() + ")");
    }

    @Test
    void outputSurvivesTheServerBeingKilledAndRestartedMidStream() throws Exception {
        String[] first = startServer(0);
        URI uri = URI.create(first[0]);
        ServerFixture fixture = ServerFixture.remote(uri, first[1]);
        ClaimResponse claim = fixture.submitAndClaim(fixture.job(ServerFixture.steps(STEP), null, null, null));
        TaskAgentSettings settings = TaskAgentSettings.defaults(work, System.getenv(), Duration.ZERO);
        TaskAgent agent = new TaskAgent(fixture.taskClient(claim), claim.taskToken(), settings);
        CompletableFuture<TaskResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> storedBytes(fixture, claim.jobId()) >= 2_000_000);
        long storedBeforeKill = storedBytes(fixture, claim.jobId());
        server.destroyForcibly().waitFor();
        // The outage under test, not a wait for something: for 1.5 s the step goes on printing and the task agent
        // retries into the void.
        Thread.sleep(1500);
        startServer(uri.getPort());

        TaskResult finished = result.get(2, TimeUnit.MINUTES);
        JobStatus status = fixture.status(claim.jobId());
        assertThat(storedBeforeKill).isGreaterThan(0);
        assertThat(finished.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(status.state()).isEqualTo(JobState.SUCCESS);
        long expectedSize = seqLength(SEQ_COUNT);
        assertThat(status.steps().get(0).outputBytes()).isEqualTo(expectedSize);
        assertThat(expectedSize).isGreaterThan(storedBeforeKill);
        assertThat(LargeOutputTest.storedSha256(fixture, claim.jobId(), 0))
                .isEqualTo(LargeOutputTest.seqSha256(expectedSize));
    }

    private static long storedBytes(ServerFixture fixture, String jobId) throws Exception {
        JobStatus status = fixture.status(jobId);
        return status.steps().isEmpty() ? 0 : status.steps().get(0).outputBytes();
    }

    /** Length of "1\n2\n...count\n". */
    private static long seqLength(long count) {
        long length = 0;
        for (long digits = 1, low = 1; low <= count; digits++, low *= 10) {
            length += (Math.min(count, low * 10 - 1) - low + 1) * (digits + 1);
        }
        return length;
    }
}
