package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.client.TaskClient.OffsetMismatchException;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output route keeps the job's step count in memory (StepCounts) and reads the cancel flag alone: a cancel is
 * in the very next output answer, the remembered count still refuses a step past the end, and a restarted server
 * (empty memory) still answers both from the store.
 */
class OutputRouteTest {
    @TempDir
    Path data;

    @Test
    void cancelAndStepCountHoldAcrossChunksAndRestart() throws Exception {
        byte[] chunk = "line\n".getBytes(StandardCharsets.UTF_8);
        ClaimResponse claim;
        try (TestServer server = new TestServer(data)) {
            String rcToken = server.resourceClassToken();
            JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "j",
                    "echo one", "sleep 100"));
            claim = server.runner(rcToken).claim(TestServer.claimRequest("r1", 5)).orElseThrow();
            TaskClient task = server.runner(rcToken).forTask(claim);
            assertThat(task.appendOutput(0, 0, chunk, chunk.length, 1).canceled()).isFalse();
            assertThat(task.appendOutput(1, 0, chunk, chunk.length, 1).canceled()).isFalse();
            assertStepTwoRefused(task, chunk);
            assertThat(server.admin.cancelJob(job.id()).cancelRequested()).isTrue();
            // the very next chunk after the cancel carries it, and is still stored
            assertThat(task.appendOutput(0, 5, chunk, chunk.length, 2).canceled()).isTrue();
            assertThat(task.appendOutput(0, 10, chunk, chunk.length, 3).nextOffset()).isEqualTo(15);
        }
        try (TestServer restarted = new TestServer(data)) {
            TaskClient task = restarted.runner("unused").forTask(claim);
            assertThat(task.appendOutput(0, 15, chunk, chunk.length, 4).canceled()).isTrue();
            assertStepTwoRefused(task, chunk);
            // idempotent by offset across the restart: a gap is refused with the stored length
            assertThatThrownBy(() -> task.appendOutput(0, 100, chunk, chunk.length, 5))
                    .isInstanceOfSatisfying(OffsetMismatchException.class,
                            e -> assertThat(e.expectedOffset()).isEqualTo(20));
        }
    }

    private static void assertStepTwoRefused(TaskClient task, byte[] chunk) {
        assertThatThrownBy(() -> task.appendOutput(2, 0, chunk, chunk.length, 1))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("the job has 2 steps");
                });
    }
}
