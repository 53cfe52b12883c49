package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim's first lease is short (the server takes back a claim that nothing confirms: its answer may have gone to an
 * agent that died while its long poll waited). The launch agent confirms it with a heartbeat as soon as the task
 * agent is started, not a third of a lease later: a launch agent that then stalls keeps its task.
 */
class ClaimConfirmationTest {

    @Test
    void theLaunchAgentConfirmsItsClaimAtOnce(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            harness.stopServer();
            harness.startServer(0, settings -> settings.withFirstLease(Duration.ofSeconds(1)));
            harness.useNewResourceClass("confirming");
            AgentProcess agent = harness.launchAgent("confirming", "");
            JobStatus job = harness.submit("stalled-agent", "echo started; sleep 4; echo done");
            harness.awaitOutput(job.id(), 0, "started", Duration.ofSeconds(30));

            // Stopped past the first lease and a round of the server's lease check (1 s each); the task agent's own
            // heartbeats come every 5 s, so only the launch agent's first heartbeat can have kept the task.
            agent.signal("STOP");
            Thread.sleep(2_500);
            agent.signal("CONT");

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));
            assertThat(done.state()).as(done + "\n" + harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(done.attempts()).as(done + "\n" + harness.agentLogs()).isEqualTo(1);
            assertThat(harness.output(job.id(), 0)).isEqualTo("started\ndone\n");
        }
    }
}
