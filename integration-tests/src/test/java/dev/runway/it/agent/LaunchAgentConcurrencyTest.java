package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runner.max_concurrent_tasks: 2 runs two jobs at the same time. */
class LaunchAgentConcurrencyTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(40);

    @Test
    void twoSlotsRunTwoJobsAtOnce(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            JobStatus first = harness.submit("slow-1", "echo start; sleep 3; echo end");
            JobStatus second = harness.submit("slow-2", "echo start; sleep 3; echo end");
            harness.launchAgent("pair", "max_concurrent_tasks: 2\n");
            JobStatus a = harness.awaitFinal(first.id(), JOB_TIMEOUT);
            JobStatus b = harness.awaitFinal(second.id(), JOB_TIMEOUT);

            assertThat(List.of(a.state(), b.state())).as(harness.agentLogs()).containsOnly(JobState.SUCCESS);
            Instant aStart = Instant.parse(a.steps().get(0).startedAt());
            Instant aEnd = Instant.parse(a.steps().get(0).finishedAt());
            Instant bStart = Instant.parse(b.steps().get(0).startedAt());
            Instant bEnd = Instant.parse(b.steps().get(0).finishedAt());
            assertThat(aStart).as("the two steps overlap in time").isBefore(bEnd);
            assertThat(bStart).as("the two steps overlap in time").isBefore(aEnd);
        }
    }
}
