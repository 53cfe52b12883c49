package dev.runway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of the dashboard that need no server: escaping, the job graph's layout, sessions and their cookies. */
class DashboardPartsTest {
    @Test
    void textNeverBecomesMarkup() {
        assertThat(Html.esc("<script>alert('x')</script> & \"q\"")).isEqualTo(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(Html.status("on_hold\"><b")).contains("class=\"status s-on_holdb\"").contains("&quot;&gt;&lt;b");
    }

    @Test
    void theGraphPutsJobsRightOfWhatTheyRequireAndBoxesAMatrix() throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        jobs.add(job("b", "build", List.of(), "success", 1L));
        jobs.add(job("t1", "test-unit", List.of("b"), "running", 2L));
        jobs.add(job("t2", "test-api", List.of("b"), "failed", 3L));
        jobs.add(job("h", "hold", List.of("t1", "t2"), "blocked", null));
        String svg = JobGraph.svg("ci <main>", "gh/acme/app", jobs);
        assertThat(svg).contains("Job graph of workflow ci &lt;main&gt;");
        assertThat(svg.split("class=\"edge\"", -1)).hasSize(5); // 4 edges
        assertThat(svg).contains(">test (matrix, 2)</text>");
        assertThat(svg).contains("<a href=\"/ui/jobs/gh/acme/app/3\" class=\"node n-failed\" data-job=\"test-api\">");
        assertThat(svg).as("no page for a job that never ran").contains("<g class=\"node n-blocked\" data-job=\"hold\">");
        int buildX = x(svg, "build");
        int testX = x(svg, "test-unit");
        int holdX = x(svg, "hold");
        assertThat(buildX).isLessThan(testX);
        assertThat(testX).isLessThan(holdX);
    }

    @Test
    void sessionsEndWhenIdleAndCookiesAreStrict() {
        MutableClock clock = new MutableClock();
        Sessions sessions = new Sessions(clock);
        String id = sessions.create("token-1");
        WebRequest request = new WebRequest("GET", "/ui/projects", null, Map.of("Cookie", "a=b; "
                + Sessions.COOKIE + "=" + id), null, false);
        Sessions.Session session = sessions.find(request).orElseThrow();
        assertThat(session.token).isEqualTo("token-1");
        assertThat(session.csrfMatches(session.csrf)).isTrue();
        assertThat(session.csrfMatches("x" + session.csrf)).isFalse();
        assertThat(session.csrfMatches(null)).isFalse();
        assertThat(Sessions.cookie(id, true)).contains("HttpOnly", "SameSite=Strict", "Secure");
        assertThat(Sessions.cookie(id, false)).doesNotContain("Secure");
        clock.now += Sessions.IDLE_MILLIS + 1;
        assertThat(sessions.find(request)).isEmpty();
    }

    @Test
    void pathsAndStatuses() throws Exception {
        assertThat(Dashboard.serves("/")).isTrue();
        assertThat(Dashboard.serves("/ui/jobs/gh/a/b/1")).isTrue();
        assertThat(Dashboard.serves("/api/v2/me")).isFalse();
        assertThat(Dashboard.serves("/uix")).isFalse();
        JsonNode pipeline = Json.mapper().readTree("{\"state\": \"created\", \"errors\": []}");
        JsonNode workflows = Json.mapper().readTree("[{\"status\": \"success\"}, {\"status\": \"failed\"},"
                + " {\"status\": \"running\"}]");
        assertThat(Pages.pipelineStatus(pipeline, workflows)).isEqualTo("failed");
        assertThat(Pages.pipelineStatus(pipeline, Json.mapper().readTree("[]"))).isEqualTo("created");
        assertThat(Html.millis(65_000)).isEqualTo("1m 05s");
    }

    @Test
    void testResultsShowFailuresFirstAndArtifactsAsLinks() throws Exception {
        List<JsonNode> tests = List.of(
                Json.mapper().readTree("{\"result\": \"success\", \"name\": \"adds\", \"classname\": \"a.Calc\","
                        + " \"file\": \"a/Calc.java\", \"run_time\": 0.01, \"message\": \"\"}"),
                Json.mapper().readTree("{\"result\": \"failure\", \"name\": \"divides\", \"classname\": \"z.Calc\","
                        + " \"file\": \"z/Calc.java\", \"run_time\": 0.2, \"message\": \"expected <1> but was <2>\"}"));
        StringBuilder body = new StringBuilder();
        JobPage.testsTable(body, tests);
        String html = body.toString();
        assertThat(html).contains("2 tests, 1 failed.");
        assertThat(html.indexOf("divides")).as("the failure first").isLessThan(html.indexOf("adds"));
        assertThat(html).contains("<pre>expected &lt;1&gt; but was &lt;2&gt;</pre>");
        StringBuilder none = new StringBuilder();
        JobPage.testsTable(none, List.of());
        assertThat(none.toString()).contains("Test results: none.");

        StringBuilder artifacts = new StringBuilder();
        JobPage.artifactList(artifacts, List.of(Json.mapper().readTree(
                "{\"path\": \"reports/out.txt\", \"node_index\": 1, \"url\": \"https://ci.example/a?x=1&y=2\"}")));
        // the link keeps the path on the browser's own origin (the API names the loopback address it was called at)
        assertThat(artifacts.toString()).contains("<a href=\"/a?x=1&amp;y=2\" download>reports/out.txt"
                + "</a> <small>node 1</small>");
        StringBuilder script = new StringBuilder();
        JobPage.artifactList(script, List.of(Json.mapper().readTree(
                "{\"path\": \"x\", \"node_index\": 0, \"url\": \"javascript:alert(1)\"}")));
        assertThat(script.toString()).doesNotContain("href").contains("<li>x <small>");
        StringBuilder noArtifacts = new StringBuilder();
        JobPage.artifactList(noArtifacts, List.of());
        assertThat(noArtifacts.toString()).contains("Artifacts: none.");
    }

    private static int x(String svg, String name) {
        int node = svg.indexOf("data-job=\"" + name + "\"");
        int rect = svg.indexOf("<rect x=\"", node) + 9;
        return Integer.parseInt(svg.substring(rect, svg.indexOf('"', rect)));
    }

    private static JsonNode job(String id, String name, List<String> requires, String status, Long number) {
        Map<String, Object> job = new java.util.LinkedHashMap<>();
        job.put("id", id);
        job.put("name", name);
        job.put("type", name.equals("hold") ? "approval" : "build");
        job.put("status", status);
        job.put("job_number", number);
        job.put("dependencies", requires);
        return Json.mapper().valueToTree(job);
    }

    private static final class MutableClock extends Clock {
        long now = 1_000_000;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }
}
