package dev.runway.dashboard;

import static dev.runway.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A job: its steps (collapsible, with status, duration and exit code) whose output log.js fills (the tail, earlier
 * ranges on demand, live through Server-Sent Events), and its test results and artifacts tabs.
 */
final class JobPage {
    /** Results of a test that did not pass; shown first. */
    static final Set<String> FAILED_RESULTS = Set.of("failure", "failed", "error");
    /** Pages of tests or artifacts read at most (the API pages them). */
    private static final int MAX_PAGES = 20;

    WebResponse show(WebRequest request, Api api, String csrf, String slug, long number)
            throws ApiException, InterruptedException {
        String base = "/api/v2/project/" + Api.escape(slug);
        JsonNode details = api.get(base + "/job/" + number);
        int parallelism = Math.max(1, details.path("parallelism").asInt(1));
        int node = (int) Math.min(parallelism, Math.max(1, parseOr(request.query("node"), 1)));
        String tab = Optional.ofNullable(request.query("tab")).filter(t -> Set.of("tests", "artifacts").contains(t))
                .orElse("steps");
        String page = "/ui/jobs/" + slug + "/" + number;
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"meta\">").append(Html.status(details.path("status").asText())).append(" · ")
                .append(esc(Html.duration(details.path("started_at").asText(null),
                        details.path("stopped_at").asText(null)))).append(" · ")
                .append(esc(details.path("executor").path("resource_class").asText())).append(" · workflow ")
                .append("<a href=\"/ui/pipelines/").append(esc(details.path("pipeline").path("id").asText()))
                .append("\">").append(esc(details.path("latest_workflow").path("name").asText())).append("</a></p>");
        for (JsonNode message : details.path("messages")) {
            body.append("<p class=\"note\">").append(esc(message.path("message").asText())).append("</p>");
        }
        body.append("<nav class=\"tabs\" aria-label=\"Job sections\">");
        for (String t : List.of("steps", "tests", "artifacts")) {
            body.append("<a href=\"").append(esc(page)).append("?tab=").append(t)
                    .append(node > 1 ? "&amp;node=" + node : "").append('"')
                    .append(t.equals(tab) ? " aria-current=\"page\"" : "").append('>')
                    .append(Character.toUpperCase(t.charAt(0))).append(t.substring(1)).append("</a>");
        }
        body.append("</nav>");
        switch (tab) {
            case "tests" -> tests(body, api, base + "/" + number + "/tests");
            case "artifacts" -> artifacts(body, api, base + "/" + number + "/artifacts");
            default -> steps(body, api, page, number, node, parallelism);
        }
        return WebResponse.html(200, Html.page(details.path("name").asText() + " #" + number, csrf, body.toString(),
                "log.js"));
    }

    private static void steps(StringBuilder body, Api api, String page, long number, int node, int parallelism)
            throws ApiException, InterruptedException {
        if (parallelism > 1) {
            body.append("<nav class=\"nodes\" aria-label=\"Parallel runs\">");
            for (int i = 1; i <= parallelism; i++) {
                body.append("<a href=\"").append(esc(page)).append("?node=").append(i).append('"')
                        .append(i == node ? " aria-current=\"page\"" : "").append(">Node ").append(i - 1)
                        .append("</a>");
            }
            body.append("</nav>");
        }
        Optional<JsonNode> job = api.getIfFound("/api/v3/jobs/" + (number + node - 1));
        if (job.isEmpty()) {
            body.append("<p>This job has not been queued yet.</p>");
            return;
        }
        body.append("<p class=\"meta\">Job #").append(job.get().path("build_num").asLong()).append(" · ")
                .append(Html.status(job.get().path("state").asText()))
                .append(job.get().hasNonNull("runner") ? " · runner " + esc(job.get().path("runner").asText()) : "")
                .append("</p><ol class=\"steps\">");
        boolean jobOver = Set.of("success", "failed", "canceled", "infrastructure_fail")
                .contains(job.get().path("state").asText());
        for (JsonNode step : job.get().path("steps")) {
            int index = step.path("index").asInt();
            String status = step.path("status").asText();
            boolean complete = jobOver || !Set.of("pending", "running").contains(status);
            boolean open = status.equals("running") || status.equals("failed") || status.equals("timedout");
            String log = page + "/log/" + node + "/" + (index + 1);
            String events = page + "/events/" + node + "/" + (index + 1);
            body.append("<li><details class=\"step\"").append(open ? " open" : "").append(" data-status=\"")
                    .append(esc(status)).append("\"><summary>").append(summary(step)).append("</summary>")
                    .append("<div class=\"log-view\" data-log=\"").append(esc(log)).append("\" data-events=\"")
                    .append(esc(events)).append("\" data-bytes=\"").append(step.path("output_bytes").asLong())
                    .append("\" data-complete=\"").append(complete).append("\">")
                    .append("<button type=\"button\" class=\"earlier\" hidden>Load earlier output</button>")
                    .append("<pre class=\"log\" tabindex=\"0\" aria-label=\"Output of step ")
                    .append(esc(step.path("name").asText())).append("\"></pre></div></details></li>");
        }
        body.append("</ol>");
    }

    /** The summary line of a step; log.js rewrites its parts when the step ends. */
    static String summary(JsonNode step) {
        String status = step.path("status").asText();
        StringBuilder line = new StringBuilder();
        line.append("<span class=\"step-name\">").append(esc(step.path("name").asText())).append("</span> ")
                .append("<span class=\"step-status\">").append(Html.status(status)).append("</span> ")
                .append("<span class=\"step-duration\">").append(step.hasNonNull("duration_millis")
                        ? esc(Html.millis(step.path("duration_millis").asLong())) : "").append("</span> ")
                .append("<span class=\"step-exit\">");
        if (step.hasNonNull("exit_code")) {
            line.append("exit ").append(step.path("exit_code").asInt());
        } else if (step.hasNonNull("signal")) {
            line.append("signal ").append(step.path("signal").asInt());
        }
        return line.append("</span>").toString();
    }

    private static void tests(StringBuilder body, Api api, String path) throws ApiException, InterruptedException {
        testsTable(body, pages(api, path));
    }

    /** Test results in CircleCI's shape ({message, source, run_time, file, result, name, classname}), failed first. */
    static void testsTable(StringBuilder body, List<JsonNode> found) {
        List<JsonNode> tests = new ArrayList<>(found);
        if (tests.isEmpty()) {
            body.append("<p class=\"none\">Test results: none.</p>");
            return;
        }
        tests.sort(Comparator.comparing((JsonNode test) -> !FAILED_RESULTS.contains(test.path("result").asText()))
                .thenComparing(test -> test.path("classname").asText()).thenComparing(test -> test.path("name")
                        .asText()));
        long failed = tests.stream().filter(test -> FAILED_RESULTS.contains(test.path("result").asText())).count();
        body.append("<p>").append(tests.size()).append(" tests, ").append(failed).append(" failed.</p>")
                .append("<table class=\"tests\"><caption>Test results, failed first</caption><thead><tr>")
                .append("<th scope=\"col\">Result</th><th scope=\"col\">Test</th><th scope=\"col\">File</th>")
                .append("<th scope=\"col\">Time</th></tr></thead><tbody>");
        for (JsonNode test : tests) {
            String result = test.path("result").asText();
            body.append("<tr><td>").append(Html.status(result)).append("</td><td>");
            String message = test.path("message").asText("");
            if (!message.isEmpty()) {
                body.append("<details class=\"test\"><summary>").append(esc(test.path("classname").asText()))
                        .append(' ').append(esc(test.path("name").asText())).append("</summary><pre>")
                        .append(esc(message)).append("</pre></details>");
            } else {
                body.append(esc(test.path("classname").asText())).append(' ').append(esc(test.path("name").asText()));
            }
            body.append("</td><td>").append(esc(test.path("file").asText(""))).append("</td><td>")
                    .append(test.has("run_time") ? esc(String.format(java.util.Locale.ROOT, "%.3f s",
                            test.path("run_time").asDouble())) : "").append("</td></tr>");
        }
        body.append("</tbody></table>");
    }

    private static void artifacts(StringBuilder body, Api api, String path) throws ApiException, InterruptedException {
        artifactList(body, pages(api, path));
    }

    /**
     * The API names the address it was called at (the dashboard calls it on loopback): the link keeps only the path,
     * so the browser downloads from the origin it is on, with its session.
     */
    static String sameOrigin(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            try {
                java.net.URI uri = java.net.URI.create(url);
                return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (IllegalArgumentException e) {
                return url;
            }
        }
        return url;
    }

    /** Artifacts in CircleCI's shape ({path, node_index, url}) as download links. */
    static void artifactList(StringBuilder body, List<JsonNode> artifacts) {
        if (artifacts.isEmpty()) {
            body.append("<p class=\"none\">Artifacts: none.</p>");
            return;
        }
        body.append("<ul class=\"artifacts\">");
        for (JsonNode artifact : artifacts) {
            String url = sameOrigin(artifact.path("url").asText());
            String path = esc(artifact.path("path").asText());
            // only web addresses become links (never javascript: or data:)
            boolean linkable = url.startsWith("https://") || url.startsWith("http://") || url.startsWith("/");
            body.append("<li>").append(linkable ? "<a href=\"" + esc(url) + "\" download>" + path + "</a>" : path)
                    .append(" <small>node ").append(artifact.path("node_index").asInt()).append("</small></li>");
        }
        body.append("</ul>");
    }

    /** Every item of a paged API v2 list; empty when the route answers 404 (this server has no such route). */
    private static List<JsonNode> pages(Api api, String path) throws ApiException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            Optional<JsonNode> answer = api.getIfFound(path + (token == null ? "" : "?page-token="
                    + Api.escape(token)));
            if (answer.isEmpty()) {
                break;
            }
            answer.get().path("items").forEach(items::add);
            token = answer.get().path("next_page_token").asText(null);
            if (token == null || token.isEmpty() || answer.get().path("next_page_token").isNull()) {
                break;
            }
        }
        return items;
    }

    private static long parseOr(String text, long fallback) {
        try {
            return text == null ? fallback : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
