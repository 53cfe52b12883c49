package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mode: single-task and idle_timeout end a real launch agent with exit code 0. */
class LaunchAgentModesTest {

    @Test
    void singleTaskRunsOneJobThenExits0(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            JobStatus first = harness.submit("one", "echo one");
            JobStatus second = harness.submit("two", "echo two");
            AgentProcess agent = harness.launchAgent("once", "mode: single-task\n");

            assertThat(agent.awaitExit(Duration.ofSeconds(45))).as(agent.logText()).isEqualTo(0);
            assertThat(harness.status(first.id()).state()).isEqualTo(JobState.SUCCESS);
            assertThat(harness.status(second.id()).state()).as("only one task per single-task agent")
                    .isEqualTo(JobState.QUEUED);
        }
    }

    @Test
    void idleTimeoutExits0WhenNothingWasClaimedForThatLong(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("idler", "idle_timeout: 3s\n");
            long started = System.nanoTime();

            assertThat(agent.awaitExit(Duration.ofSeconds(30))).as(agent.logText()).isEqualTo(0);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(agent.logText()).contains("idle");
        }
    }
}
