package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away for 20 s while a job runs and comes back on the same data directory and port: the job
 * finishes correctly with all its output, once, and the agent takes new work again at once.
 */
class ServerOutageTest {

    @Test
    void aJobSurvivesTwentySecondsWithoutServer(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            harness.launchAgent("survivor", "");
            JobStatus job = harness.submit("long", "for i in $(seq 1 25); do echo line $i; sleep 1; done");
            harness.awaitOutput(job.id(), 0, "line 2", Duration.ofSeconds(40));

            harness.stopServer();
            Thread.sleep(20_000);
            harness.restartServer();

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));
            assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(done.attempts()).isEqualTo(1);
            String expected = IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i + "\n")
                    .collect(Collectors.joining());
            assertThat(harness.output(job.id(), 0)).isEqualTo(expected);

            JobStatus next = harness.submit("after", "echo back");
            assertThat(harness.awaitFinal(next.id(), Duration.ofSeconds(30)).state()).isEqualTo(JobState.SUCCESS);
        }
    }
}
