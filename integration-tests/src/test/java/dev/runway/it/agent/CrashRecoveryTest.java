package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.ProcessScan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch agent killed with SIGKILL mid-task leaves its task's processes running; the next start of the agent (same
 * state directory) stops them and reports the task as an infrastructure failure with the task's own token.
 */
class CrashRecoveryTest {

    @Test
    void aRestartedAgentStopsLeftoversAndReportsTheLostTask(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            String marker = "crash-" + UUID.randomUUID();
            AgentProcess first = harness.launchAgent("phoenix", "");
            JobStatus job = harness.submit("orphaned", "export RUNWAY_IT_MARKER=" + marker
                    + "; echo started; sleep 1000");
            harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(40));

            first.signal("KILL");
            first.awaitExit(Duration.ofSeconds(10));
            assertThat(ProcessScan.withMarker(marker)).as("the task outlived its agent").isNotEmpty();

            AgentProcess second = harness.launchAgent("phoenix", "");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));

            assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.INFRASTRUCTURE_FAIL);
            assertThat(done.reason()).contains("stopped unexpectedly");
            assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(15))).as("survivors").isEmpty();
            assertThat(second.logText()).contains("earlier");
            second.killTree();
        }
    }
}
