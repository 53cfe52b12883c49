package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.Json;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launch agent hands the task agent its job on standard input, after the token line, so the first step does not
 * wait for the task agent's own first request. A command_prefix that copies its standard input shows what went in.
 */
class JobHandoverTest {
    @Test
    void theTaskAgentGetsTheTokenLineThenTheJob(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            Path captured = home.resolve("stdin-captured");
            Path prefix = home.resolve("capture-stdin.sh");
            Files.writeString(prefix, "#!/bin/sh\ntee '" + captured + "' | \"$@\"\n");
            Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwx------"));
            harness.launchAgent("handover", "command_prefix: [\"" + prefix + "\"]\n");

            JobStatus job = harness.submit("handover", "echo handed over");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));

            assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(harness.output(job.id(), 0)).isEqualTo("handed over\n");
            byte[] stdin = Files.readAllBytes(captured);
            int lineEnd = indexOf(stdin, (byte) '\n');
            assertThat(lineEnd).as("a token line").isPositive();
            assertThat(new String(stdin, 0, lineEnd, StandardCharsets.UTF_8)).doesNotContain("{", " ");
            JsonNode handedOver = Json.mapper().readTree(Arrays.copyOfRange(stdin, lineEnd + 1, stdin.length));
            assertThat(handedOver.path("job_id").asText()).isEqualTo(job.id());
            assertThat(handedOver.path("job_name").asText()).isEqualTo("handover");
            assertThat(handedOver.path("steps").get(0).path("command").asText()).isEqualTo("echo handed over");
            assertThat(harness.agentLogs()).doesNotContain(new String(stdin, 0, lineEnd, StandardCharsets.UTF_8));
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
