package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz and /metrics over real HTTP, the metrics parsed from the text format after real work. */
class ProbesAndMetricsTest {
    private static final String RC = "resource_class=\"" + TestServer.RESOURCE_CLASS + "\"";
    @TempDir
    Path data;
    TestServer server;
    RunnerClient runner;
    String readToken;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new ServerSettings(data, "127.0.0.1", 0).withLease(Duration.ofSeconds(2)));
        runner = server.runner(server.resourceClassToken());
        readToken = server.admin.createApiToken("prometheus", ManagementApi.SCOPE_READ, null).token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void probesNeedNoTokenAndReadinessFollowsTheDatabase() throws Exception {
        HttpResponse<String> health = server.send("GET", "/healthz", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        HttpResponse<String> ready = server.send("GET", "/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");

        server.server.store().close();

        HttpResponse<String> notReady = server.send("GET", "/readyz", null, null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("not ready: the database does not answer");
        assertThat(server.send("GET", "/healthz", null, null).statusCode()).as("the process still serves")
                .isEqualTo(200);
        // the scrape still answers, and says the store is down (with the admin token: an API token is looked up in
        // the store)
        Metrics metrics = scrape(server.server.adminToken());
        assertThat(metrics.value("runway_store_up")).isEqualTo(0);
        assertThat(metrics.value("runway_build_info")).isEqualTo(1);
    }

    @Test
    void metricsNeedATokenOfAllNamespaces() throws Exception {
        assertThat(server.send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
        assertThat(server.send("GET", "/metrics", server.resourceClassToken(), null).statusCode()).isEqualTo(403);
        String acmeOnly = server.admin.createApiToken("acme", ManagementApi.SCOPE_READ, "acme").token();
        assertThat(server.send("GET", "/metrics", acmeOnly, null).statusCode()).isEqualTo(403);
        assertThat(server.send("GET", "/metrics", server.server.adminToken(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> read = server.send("GET", "/metrics", readToken, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/plain; version=0.0.4"));
    }

    @Test
    void metricsFollowClaimsJobsOutputAndLapsedLeases() throws Exception {
        Metrics before = scrape();
        assertThat(before.value("runway_claims_total", RC)).isEqualTo(0);
        assertThat(before.value("runway_jobs_ended_total", "status=\"success\"")).isEqualTo(0);
        assertThat(before.value("runway_output_bytes_total")).isEqualTo(0);
        assertThat(before.value("runway_build_info")).isEqualTo(1);
        assertThat(before.value("runway_store_up")).isEqualTo(1);
        assertThat(before.value("jvm_memory_used_bytes")).isPositive();
        assertThat(before.value("process_cpu_seconds_total")).isPositive();

        JobStatus first = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "a",
                "true"));
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "b", "true"));
        Metrics queued = scrape();
        assertThat(queued.value("runway_queue_depth", RC)).isEqualTo(2);
        assertThat(queued.value("runway_queue_oldest_age_seconds", RC)).isGreaterThanOrEqualTo(0);

        // the first job runs to success, with 12 bytes of output (a resent chunk is not counted twice)
        ClaimResponse claim = runner.claim(TestServer.claimRequest("runner-1", 5)).orElseThrow();
        assertThat(claim.jobId()).isEqualTo(first.id());
        TaskClient task = runner.forTask(claim);
        task.stepStarted(0, new StepStart("true", null));
        byte[] hello = "hello world\n".getBytes(StandardCharsets.UTF_8);
        task.appendOutput(0, 0, hello, hello.length, 1000);
        task.appendOutput(0, 0, hello, hello.length, 1000);
        Metrics running = scrape();
        assertThat(running.value("runway_jobs_running", RC)).isEqualTo(1);
        task.stepFinished(0, new StepResult(StepStatus.SUCCESS, 0, null, null, 5, null));
        task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));

        Metrics afterFirst = scrape();
        assertThat(afterFirst.value("runway_claims_total", RC)).isEqualTo(1);
        assertThat(afterFirst.value("runway_queue_depth", RC)).isEqualTo(1);
        assertThat(afterFirst.value("runway_jobs_running", RC)).isEqualTo(0);
        assertThat(afterFirst.value("runway_jobs_ended_total", "status=\"success\"")).isEqualTo(1);
        assertThat(afterFirst.value("runway_output_bytes_total")).isEqualTo(12);
        // latency by route template: the task's id never becomes a label
        assertThat(afterFirst.value("runway_http_request_duration_seconds_count", "route=\"/api/v3/runner/claim\"",
                "status=\"200\"")).isEqualTo(1);
        assertThat(afterFirst.value("runway_http_request_duration_seconds_count",
                "route=\"/api/v3/runner/tasks/{task}/steps/{step}/output\"")).isEqualTo(2);
        assertThat(afterFirst.text()).doesNotContain(claim.taskId());

        // the second job's runner goes silent: its lease lapses and the job is requeued
        ClaimResponse silent = runner.claim(TestServer.claimRequest("runner-2", 5)).orElseThrow();
        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().value("runway_requeues_total") == 1);
        Metrics lapsed = scrape();
        assertThat(lapsed.value("runway_leases_expired_total")).isEqualTo(1);
        assertThat(lapsed.value("runway_queue_depth", RC)).isEqualTo(1);
        assertThat(lapsed.value("runway_claims_total", RC)).isEqualTo(2);
        assertThat(server.admin.jobStatus(silent.jobId()).state()).isEqualTo(JobState.QUEUED);

        // a claim held open is a connected runner waiting for work
        runner.claim(TestServer.claimRequest("runner-3", 5)).orElseThrow();
        CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(TestServer.claimRequest("runner-4", 30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().value("runway_claims_waiting", RC) == 1);
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "c", "true"));
        assertThat(held.get()).isPresent();
        assertThat(scrape().value("runway_claims_waiting", RC)).isEqualTo(0);
    }

    private Metrics scrape() throws Exception {
        return scrape(readToken);
    }

    private Metrics scrape(String token) throws Exception {
        HttpResponse<String> response = server.send("GET", "/metrics", token, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Metrics.parse(response.body());
    }

    /** Prometheus' text format, version 0.0.4: one sample per line, "name{labels} value". */
    private record Metrics(String text, Map<String, Double> samples) {
        static Metrics parse(String text) {
            Map<String, Double> samples = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                assertThat(space).as("sample line %s", line).isPositive();
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return new Metrics(text, samples);
        }

        /** The sum of the samples of {@code name} whose labels include every one given ({@code key="value"}). */
        double value(String name, String... labels) {
            double sum = 0;
            for (Map.Entry<String, Double> sample : samples.entrySet()) {
                String series = sample.getKey();
                int brace = series.indexOf('{');
                String sampleName = brace < 0 ? series : series.substring(0, brace);
                String sampleLabels = brace < 0 ? "" : series.substring(brace);
                boolean matches = sampleName.equals(name);
                for (String label : labels) {
                    matches &= sampleLabels.contains(label);
                }
                if (matches) {
                    sum += sample.getValue();
                }
            }
            return sum;
        }
    }
}
