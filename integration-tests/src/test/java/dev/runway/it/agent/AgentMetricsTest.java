package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launch agent counts a task by its result (success, failed, canceled), not by how its task agent exited. */
class AgentMetricsTest {
    private static final Pattern HEALTH = Pattern.compile("health endpoints on (http://[^ ]+/)");

    @Test
    void failedAndCanceledTasksAreCountedFailedInMetricsAndTheStopLine(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("counter", "grace_period: 2s\n",
                    "health:\n  listen: 127.0.0.1:0\n");
            JobStatus succeeds = harness.submit("succeeds", "echo fine");
            assertThat(harness.awaitFinal(succeeds.id(), Duration.ofSeconds(40)).state()).isEqualTo(JobState.SUCCESS);
            JobStatus fails = harness.submit("fails", "exit 3");
            assertThat(harness.awaitFinal(fails.id(), Duration.ofSeconds(40)).state()).isEqualTo(JobState.FAILED);
            JobStatus canceled = harness.submit("canceled", "10m",
                    List.of(AgentHarness.run("blocks", "echo started; sleep 1000")));
            harness.awaitOutput(canceled.id(), 0, "started", Duration.ofSeconds(40));
            harness.management.cancelJob(canceled.id());
            assertThat(harness.awaitFinal(canceled.id(), Duration.ofSeconds(40)).state())
                    .isEqualTo(JobState.CANCELED);

            String metrics = awaitMetric(agent, "runway_agent_tasks_running 0");
            assertThat(metrics).as(metrics).contains("runway_agent_tasks_claimed_total 3",
                    "runway_agent_tasks_succeeded_total 1", "runway_agent_tasks_failed_total 2");

            agent.signal("TERM");
            assertThat(agent.awaitExit(Duration.ofSeconds(30))).as(agent.logText()).isEqualTo(0);
            assertThat(agent.logText()).contains("3 claimed, 1 succeeded, 2 failed");
        }
    }

    /** /metrics once it contains {@code line} (the last task's end is counted just after its result). */
    private static String awaitMetric(AgentProcess agent, String line) throws Exception {
        Matcher health = HEALTH.matcher(agent.logText());
        assertThat(health.find()).as(agent.logText()).isTrue();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(health.group(1) + "metrics")).build();
        String body = "";
        for (int attempt = 0; attempt < 100 && !body.contains(line); attempt++) {
            if (attempt > 0) {
                Thread.sleep(100);
            }
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
        return body;
    }
}
