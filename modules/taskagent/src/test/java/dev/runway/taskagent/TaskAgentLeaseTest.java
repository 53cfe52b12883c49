package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.ServerSettings;
import dev.runway.testsupport.ServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task agent started without a launch agent (by hand, or in these tests) keeps its task's lease itself: its
 * cancel checks are heartbeats, sent even while output flows (output does not renew the lease).
 */
class TaskAgentLeaseTest {
    @Test
    void aJobLongerThanTheLeaseKeepsItsTask(@TempDir Path data, @TempDir Path work) throws Exception {
        try (ServerFixture server = ServerFixture.inProcess(new ServerSettings(data, "127.0.0.1", 0)
                .withLease(Duration.ofSeconds(2)))) {
            ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                    "{\"run\": \"for i in $(seq 25); do echo $i; sleep 0.2; done\"}"), null, null, null));
            TaskAgentSettings settings = TaskAgentSettings.defaults(work, System.getenv(), Duration.ZERO)
                    .withCancelCheckInterval(Duration.ofMillis(500));
            new TaskAgent(server.taskClient(claim), claim.taskToken(), settings).run();
            assertThat(server.status(claim.jobId()).state()).isEqualTo(JobState.SUCCESS);
            assertThat(server.outputText(claim.jobId(), 0)).startsWith("1\n2\n").endsWith("\n25\n");
        }
    }
}
