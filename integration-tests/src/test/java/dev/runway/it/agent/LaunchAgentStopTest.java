package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.ProcessScan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running job is stopped (max_run_time, cancellation) with the ladder, and nothing it started survives, not even
 * a {@code setsid nohup} daemon: every process carrying the job's marker is gone (scanned in /proc).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchAgentStopTest {
    private AgentHarness harness;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        harness = AgentHarness.start(home);
    }

    @AfterAll
    void stop() {
        harness.close();
    }

    /** A step that leaves a daemon in its own session, then blocks; both carry {@code marker}. */
    private static String escapingStep(String marker) {
        return "export RUNWAY_IT_MARKER=" + marker + "\n"
                + "setsid nohup sleep 1000 > /dev/null 2>&1 &\n"
                + "echo started\n"
                + "sleep 1000";
    }

    @Test
    void maxRunTimeStopsTheJobAndEverythingItStarted() throws Exception {
        String marker = "maxrun-" + UUID.randomUUID();
        harness.useNewResourceClass("maxrun");
        AgentProcess agent = harness.launchAgent("stopper", "max_run_time: 4s\ngrace_period: 2s\n");
        JobStatus job = harness.submit("forever", escapingStep(marker));
        harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(40));
        assertThat(ProcessScan.withMarker(marker)).as("the job's processes run").hasSizeGreaterThanOrEqualTo(2);

        JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(30));

        assertThat(done.state()).as("reason: " + done.reason() + "\n" + harness.agentLogs())
                .isEqualTo(JobState.TIMEDOUT);
        assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(15))).as("survivors").isEmpty();
        agent.killTree();
    }

    @Test
    void cancelStopsTheJobAndEverythingItStarted() throws Exception {
        String marker = "cancel-" + UUID.randomUUID();
        harness.useNewResourceClass("cancel");
        AgentProcess agent = harness.launchAgent("canceler", "grace_period: 2s\n");
        JobStatus job = harness.submit("to-cancel", "10m", java.util.List.of(
                AgentHarness.run("blocks", escapingStep(marker))));
        harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(40));

        harness.management.cancelJob(job.id());
        JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(30));

        assertThat(done.state()).as("reason: " + done.reason() + "\n" + harness.agentLogs())
                .isEqualTo(JobState.CANCELED);
        assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(15))).as("survivors").isEmpty();
        agent.killTree();
    }
}
