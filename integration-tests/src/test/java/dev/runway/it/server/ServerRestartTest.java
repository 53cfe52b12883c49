package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code bin/runway server} with a task half run: after the restart everything acknowledged is there,
 * the runner carries on where it was, cancel reaches it, and a task nobody heartbeats is requeued.
 */
class ServerRestartTest {
    @TempDir
    Path home;
    ImageServer fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ImageServer.start(home, "5s");
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void killNineLosesNothingAcknowledged() throws Exception {
        ManagementClient admin = fixture.admin();
        admin.createNamespace("acme", "github/acme");
        admin.createResourceClass("acme/linux", "");
        String rcToken = admin.createToken("acme/linux", "box").token();
        JobStatus first = admin.submitJob(JobSubmission.ofCommands("acme/linux", "first", "make", "make test"));
        JobStatus second = admin.submitJob(JobSubmission.ofCommands("acme/linux", "second", "make"));
        RunnerClient runner = fixture.runner(rcToken);
        ClaimResponse running = runner.claim(ImageServer.claim("box-1", 10)).orElseThrow();
        assertThat(running.jobId()).isEqualTo(first.id());
        TaskClient task = runner.forTask(running);
        fixture.keepAlive(task);
        task.stepStarted(0, new StepStart("make", null));
        byte[] partial = "half of the output\n".getBytes(StandardCharsets.UTF_8);
        task.appendOutput(0, 0, partial, partial.length, System.currentTimeMillis());

        fixture.server.kill();
        assertThat(fixture.server.isAlive()).isFalse();
        fixture.server.start();

        assertThat(fixture.ok("job", "logs", first.id()).out()).contains("    half of the output");
        assertThat(fixture.ok("job", "status", first.id()).out()).contains("state:          running")
                .containsPattern("1\\s+make\\s+running");
        assertThat(fixture.ok("runner", "tasks", "acme/linux").out()).containsPattern("acme/linux\\s+1\\s+1");

        // the runner goes on where it was (its lease restarted with the server): token and offset kept
        byte[] rest = "and the rest\n".getBytes(StandardCharsets.UTF_8);
        assertThat(task.appendOutput(0, partial.length, rest, rest.length, System.currentTimeMillis())
                .nextOffset()).isEqualTo(partial.length + rest.length);
        assertThat(task.heartbeat().canceled()).isFalse();

        // cancel reaches it through its heartbeat
        assertThat(fixture.ok("job", "cancel", first.id()).out()).contains("cancel requested");
        assertThat(task.heartbeat().canceled()).isTrue();
        task.taskFinished(new TaskResult(TaskStatus.CANCELED, "canceled"));
        assertThat(admin.jobStatus(first.id()).state()).isEqualTo(JobState.CANCELED);

        // a task nobody heartbeats is requeued when its 5 s lease lapses
        Optional<ClaimResponse> abandoned = runner.claim(ImageServer.claim("box-2", 5));
        assertThat(abandoned.map(ClaimResponse::jobId)).contains(second.id());
        JobStatus requeued = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin.jobStatus(second.id()), status -> status.state() == JobState.QUEUED);
        assertThat(requeued.reason()).contains("box-2").contains("stopped sending heartbeats");
        assertThat(fixture.ok("job", "status", second.id()).out()).contains("state:          queued");
    }
}
