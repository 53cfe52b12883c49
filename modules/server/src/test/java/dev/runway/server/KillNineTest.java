package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in its own JVM is killed with SIGKILL right after its last acknowledged write; a new server on the same
 * data directory has every acknowledged namespace, token, job, claim, step result and output byte.
 */
class KillNineTest {
    @TempDir
    Path data;

    @Test
    void nothingAcknowledgedIsLostOnKillNine() throws Exception {
        ServerProcessMain.Launched server = ServerProcessMain.launch(data);
        Process process = server.process();
        String rcToken;
        List<String> jobIds = new ArrayList<>();
        ClaimResponse claim;
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try {
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(10));
            ManagementClient admin = new ManagementClient(transport,
                    Files.readString(data.resolve("admin-token")).strip());
            admin.createNamespace("acme", "github/acme");
            admin.createResourceClass("acme/linux", "");
            rcToken = admin.createToken("acme/linux", "t").token();
            for (int i = 0; i < 20; i++) {
                jobIds.add(admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux", "job-" + i, "echo " + i,
                        "echo done")).id());
            }
            RunnerClient runner = new RunnerClient(transport, rcToken);
            claim = runner.claim(TestServer.claimRequest("r1", 0)).orElseThrow();
            TaskClient task = runner.forTask(claim);
            task.stepStarted(0, new StepStart("echo 0", null));
            long offset = 0;
            for (int i = 0; i < 200; i++) {
                byte[] chunk = ("line " + i + " of the output\n").getBytes(StandardCharsets.UTF_8);
                offset = task.appendOutput(0, offset, chunk, chunk.length, System.currentTimeMillis()).nextOffset();
                sent.write(chunk);
            }
            task.stepFinished(0, new StepResult(StepStatus.SUCCESS, 0, null, null, 42, null));
            task.stepStarted(1, new StepStart("echo done", null));
        } finally {
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        try (TestServer restarted = new TestServer(data)) {
            ManagementClient admin = restarted.admin;
            assertThat(admin.listResourceClasses("acme").items()).extracting(r -> r.resourceClass())
                    .containsExactly("acme/linux");
            JobsApi.JobStatus running = admin.jobStatus(jobIds.get(0));
            assertThat(running.state()).isEqualTo(JobState.RUNNING);
            assertThat(running.steps().get(0).status()).isEqualTo(StepStatus.SUCCESS);
            assertThat(running.steps().get(0).durationMillis()).isEqualTo(42);
            assertThat(running.steps().get(1).status()).isEqualTo(StepStatus.RUNNING);
            assertThat(admin.jobOutput(jobIds.get(0), 0, 0, Duration.ZERO).data()).isEqualTo(sent.toByteArray());
            for (String id : jobIds.subList(1, jobIds.size())) {
                assertThat(admin.jobStatus(id).state()).isEqualTo(JobState.QUEUED);
            }
            // the task token and the resource-class token still work; the lease restarted with the server
            assertThat(restarted.server.routes()).isNotEmpty();
            TaskClient task = restarted.runner(rcToken).forTask(claim);
            assertThat(task.heartbeat().canceled()).isFalse();
            ClaimResponse next = restarted.runner(rcToken).claim(TestServer.claimRequest("r1", 0)).orElseThrow();
            assertThat(next.jobId()).isEqualTo(jobIds.get(1));
        }
    }
}
