package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.ProcessScan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM semantics of a real launch-agent process: the 1st drains, the 2nd cancels and exits promptly. */
class LaunchAgentSignalsTest {

    @Test
    void firstSigtermDrainsTheRunningJobFinishesAndTheAgentExits0(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("drainer", "grace_period: 2s\n");
            JobStatus job = harness.submit("finishes", "echo started; sleep 4; echo finished");
            harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(40));

            agent.signal("TERM");
            JobStatus queued = harness.submit("must-wait", "echo should not run here");

            assertThat(agent.awaitExit(Duration.ofSeconds(40))).as(agent.logText()).isEqualTo(0);
            JobStatus done = harness.status(job.id());
            assertThat(done.state()).as(agent.logText()).isEqualTo(JobState.SUCCESS);
            assertThat(harness.output(job.id(), 0)).contains("finished");
            assertThat(harness.status(queued.id()).state()).as("nothing new is claimed while draining")
                    .isEqualTo(JobState.QUEUED);
        }
    }

    @Test
    void secondSigtermCancelsTheRunningJobAndExitsPromptly(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("impatient", "grace_period: 2s\n");
            String marker = "sigterm2-" + UUID.randomUUID();
            JobStatus job = harness.submit("blocks", "export RUNWAY_IT_MARKER=" + marker
                    + "; echo started; sleep 1000");
            harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(40));

            agent.signal("TERM");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> agent.logText().contains("draining: 1 task(s) running"));
            assertThat(agent.isAlive()).as("a drain waits for the running job").isTrue();
            long secondSignal = System.nanoTime();
            agent.signal("TERM");

            Integer exit = agent.awaitExit(Duration.ofSeconds(20));
            assertThat(exit).as(agent.logText()).isNotNull().isNotEqualTo(0);
            assertThat(Duration.ofNanos(System.nanoTime() - secondSignal)).as("grace 2 s + reporting")
                    .isLessThan(Duration.ofSeconds(15));
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(15));
            assertThat(done.state()).as("reported failed by the agent, as docs/operation.md says: " + done.reason())
                    .isEqualTo(JobState.INFRASTRUCTURE_FAIL);
            assertThat(done.reason()).as("names the agent's shutdown")
                    .contains("the launch agent was told to stop").doesNotContain("the task agent received SIGTERM");
            assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(10))).as("survivors").isEmpty();
        }
    }
}
