package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One launch agent (cleanup on, health listener) of the built image against a real server: a job runs and its
 * output is stored, the agent reports health and metrics, working directories are removed whatever the job left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchAgentJobsTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(40);

    private Path home;

    private AgentHarness harness;
    private AgentProcess agent;
    private int healthPort;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        this.home = home;
        harness = AgentHarness.start(home);
        try (ServerSocket socket = new ServerSocket(0)) {
            healthPort = socket.getLocalPort();
        }
        agent = harness.launchAgent("jobs", "cleanup_working_directory: true\n",
                "health:\n  listen: 127.0.0.1:" + healthPort + "\n");
    }

    @AfterAll
    void stop() {
        harness.close();
    }

    @Test
    void aJobRunsAndItsOutputIsStored() throws Exception {
        JobStatus job = harness.submit("hello", "echo \"hello from $CIRCLE_JOB\"; echo \"launch=$CIRCLECI_LAUNCH_ID\"; "
                + "echo \"dir=$CIRCLE_WORKING_DIRECTORY pwd=$(pwd)\"; env | grep -c AUTH_TOKEN || true");
        JobStatus done = harness.awaitFinal(job.id(), JOB_TIMEOUT);

        assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
        String output = harness.output(job.id(), 0);
        assertThat(output).contains("hello from hello").containsPattern("launch=[0-9a-f-]{36}")
                .containsPattern("dir=(\\S+) pwd=\\1\\s").doesNotContain(harness.token);
        assertThat(output.strip()).endsWith("0"); // no AUTH_TOKEN variable reached the job
        assertThat(done.runner()).isEqualTo("jobs");
        assertThat(agent.logText()).doesNotContain(harness.token);

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + healthPort;
        assertThat(get(http, base + "/live").statusCode()).isEqualTo(200);
        assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
        // The server has the result a moment before the task agent's process is gone and counted.
        HttpResponse<String> metrics = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .pollDelay(Duration.ZERO).until(() -> get(http, base + "/metrics"),
                        response -> !response.body().contains("runway_agent_tasks_running 1"));
        assertThat(metrics.body()).containsPattern("runway_agent_tasks_claimed_total [1-9]")
                .containsPattern("runway_agent_tasks_succeeded_total [1-9]").contains("runway_agent_slots 1");
    }

    @Test
    void cleanupRemovesReadOnlyTreesAndLinksButNeverWhatLinksPointTo() throws Exception {
        Path outside = Files.createDirectories(home.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
        JobStatus job = harness.submit("messy", "echo \"dir=$CIRCLE_WORKING_DIRECTORY\"\n"
                + "mkdir -p ro/deeper/still && echo x > ro/deeper/still/file && echo y > ro/top\n"
                + "chmod -R a-w ro && chmod 000 ro/deeper/still\n"
                + "ln -s " + outside + " link-to-dir && ln -s " + precious + " link-to-file\n"
                + "mkdir -p sub && ln -s / sub/root-link && ln -s ../.. sub/up");
        JobStatus done = harness.awaitFinal(job.id(), JOB_TIMEOUT);
        assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
        String output = harness.output(job.id(), 0);
        Path workingDirectory = Path.of(output.lines().filter(l -> l.startsWith("dir=")).findFirst().orElseThrow()
                .substring(4));
        // raw: the directory may be gone already (cleanup), and startsWith would resolve it on disk
        assertThat(workingDirectory).startsWithRaw(agent.directory().resolve("work"));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(Files.exists(workingDirectory, LinkOption.NOFOLLOW_LINKS)).as("working directory removed")
                        .isFalse());
        assertThat(precious).hasContent("keep me");
        assertThat(Path.of("/bin/sh")).exists();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
