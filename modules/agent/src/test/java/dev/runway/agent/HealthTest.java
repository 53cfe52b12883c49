package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.ServiceNotifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Health state, what the service manager hears, and the HTTP endpoints (real HTTP on loopback). */
class HealthTest {
    /** Records what a service manager would be told (sd_notify itself is the Linux launchers' part). */
    static class RecordingNotifier implements ServiceNotifier {
        final List<String> messages = new ArrayList<>();

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void ready() {
            messages.add("READY=1");
        }

        @Override
        public void status(String status) {
            messages.add("STATUS=" + status);
        }

        @Override
        public void watchdog() {
            messages.add("WATCHDOG=1");
        }

        @Override
        public void stopping() {
            messages.add("STOPPING=1");
        }
    }

    @Test
    void readyOnFirstAnswerUnhealthyAfterThreeFailuresHealthyAgainOnAnswer() {
        RecordingNotifier notifier = new RecordingNotifier();
        HealthMonitor health = new HealthMonitor(List.of(notifier), 3);
        assertThat(health.isReady()).isFalse();
        health.apiAnswered();
        health.apiAnswered();
        assertThat(health.isReady()).isTrue();
        health.apiFailed("down");
        health.apiFailed("down");
        assertThat(health.isHealthy()).isTrue();
        health.apiFailed("down");
        health.apiFailed("down");
        assertThat(health.isHealthy()).isFalse();
        assertThat(health.isReady()).isFalse();
        health.apiAnswered();
        health.draining();
        health.draining();
        assertThat(health.isReady()).isFalse();
        assertThat(notifier.messages).containsExactly("READY=1", "STATUS=Healthy", "STATUS=Unhealthy",
                "STATUS=Healthy", "STOPPING=1", "STATUS=Draining");
    }

    @Test
    void aFailingNotifierDoesNotStopTheAgent() {
        ServiceNotifier broken = new RecordingNotifier() {
            @Override
            public void ready() {
                throw new IllegalStateException("socket gone");
            }
        };
        HealthMonitor health = new HealthMonitor(List.of(broken), 3);
        health.apiAnswered();
        assertThat(health.isReady()).isTrue();
    }

    @Test
    void metricsAreValidPrometheusText() {
        Metrics metrics = new Metrics(2);
        metrics.taskClaimed(Duration.ofMillis(20));
        metrics.claimEmpty(Duration.ofSeconds(30));
        metrics.taskStarted();
        metrics.taskStarted();
        metrics.taskEnded(true);
        metrics.apiError();
        String text = metrics.prometheusText();
        assertThat(text).contains("runway_agent_tasks_claimed_total 1\n", "runway_agent_tasks_succeeded_total 1\n",
                "runway_agent_tasks_failed_total 0\n", "runway_agent_tasks_running 1\n",
                "runway_agent_api_errors_total 1\n", "runway_agent_claim_duration_seconds_bucket{le=\"0.025\"} 1\n",
                "runway_agent_claim_duration_seconds_bucket{le=\"30\"} 2\n",
                "runway_agent_claim_duration_seconds_bucket{le=\"+Inf\"} 2\n",
                "runway_agent_claim_duration_seconds_count 2\n");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\\{le=\"[0-9.+Inf]+\"\\})? [0-9.E-]+");
        }
    }

    @Test
    void endpointsAnswerOverHttp() throws Exception {
        boolean[] ready = {false};
        try (HealthServer server = HealthServer.start("127.0.0.1:0", () -> true, () -> ready[0],
                () -> "runway_agent_tasks_running 0\n")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.address().getPort();
            assertThat(get(http, base + "/live").statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/ready").statusCode()).isEqualTo(503);
            ready[0] = true;
            assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(http, base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body()).isEqualTo("runway_agent_tasks_running 0\n");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/ready"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void listenAddressIsParsedWithClearErrors() {
        assertThat(HealthServer.parse("127.0.0.1:9100").getPort()).isEqualTo(9100);
        assertThat(HealthServer.parse(":9100").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(HealthServer.parse("[::1]:9100").getAddress().isLoopbackAddress()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthServer.parse("localhost"))
                .hasMessageContaining("health.listen");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthServer.parse("x:http"))
                .hasMessageContaining("not a number");
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
