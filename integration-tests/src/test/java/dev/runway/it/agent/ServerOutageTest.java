package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away for 20 s while a job runs and comes back on the same data directory and port: the job
 * finishes correctly with all its output, once, and the agent's free slot claims new work again at once.
 */
class ServerOutageTest {

    @Test
    void aJobSurvivesTwentySecondsWithoutServer(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            harness.launchAgent("survivor", "max_concurrent_tasks: 2\n");
            JobStatus job = harness.submit("long", "for i in $(seq 1 25); do echo line $i; sleep 1; done");
            harness.awaitOutput(job.id(), 0, "line 2", Duration.ofSeconds(40));

            harness.stopServer();
            Thread.sleep(20_000);
            harness.restartServer();
            // The free slot's claim loop kept retrying (backoff capped at 1 s): it claims at once.
            JobStatus next = harness.submit("after", "echo back");

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));
            assertThat(done.state()).as(done + "\n" + harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(done.attempts()).isEqualTo(1);
            String expected = IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i + "\n")
                    .collect(Collectors.joining());
            assertThat(harness.output(job.id(), 0)).isEqualTo(expected);

            JobStatus after = harness.awaitFinal(next.id(), Duration.ofSeconds(30));
            assertThat(after.state()).isEqualTo(JobState.SUCCESS);
            assertThat(Duration.between(Instant.parse(after.createdAt()), Instant.parse(after.startedAt())))
                    .as("claimed soon after the server came back").isLessThan(Duration.ofSeconds(5));
        }
    }
}
