package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drained agent's long poll must not take a job: a job submitted right after an idle agent stopped runs on the next
 * agent with its first attempt, not after the lost claim's lease ran out.
 */
class DrainClaimTest {

    @Test
    void aJobSubmittedRightAfterAnIdleAgentDrainedKeepsItsFirstAttempt(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess drained = harness.launchAgent("drained", "standby_timeout: 0\n");
            awaitLog(drained, "connected to the API; ready");
            // the first claim does not wait; the long poll that follows is what the drain must close
            Thread.sleep(1000);

            drained.signal("TERM");
            assertThat(drained.awaitExit(Duration.ofSeconds(20))).as(drained.logText()).isEqualTo(0);
            JobStatus job = harness.submit("after-drain", "echo ran");
            AgentProcess next = harness.launchAgent("next", "standby_timeout: 0\n");

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(60));
            assertThat(done.state()).as(done.reason()).isEqualTo(JobState.SUCCESS);
            assertThat(done.attempts()).as("the drained agent's claim took no attempt: " + done.reason()
                    + "\n" + harness.agentLogs()).isEqualTo(1);
            assertThat(done.runner()).isEqualTo("next");
            next.killTree();
        }
    }

    private static void awaitLog(AgentProcess agent, String text) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!agent.logText().contains(text) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(agent.logText()).contains(text);
    }
}
