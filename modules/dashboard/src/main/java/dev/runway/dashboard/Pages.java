package dev.runway.dashboard;

import static dev.runway.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Which page a path names, and the projects and pipelines pages. */
final class Pages {
    /** Pipeline statuses the filter offers, worst first (a pipeline's status is its worst workflow's). */
    static final List<String> STATUSES = List.of("errored", "failing", "failed", "error", "running", "on_hold",
            "canceled", "not_run", "success", "created");
    private final WorkflowPage workflows = new WorkflowPage();
    private final JobPage jobs = new JobPage();
    private final RunnersPage runners;

    Pages(DashboardSettings settings, Clock clock) {
        this.runners = new RunnersPage(settings.onlineWindow(), clock);
    }

    WebResponse route(WebRequest request, List<String> s, Api api, String csrf)
            throws ApiException, InterruptedException {
        boolean get = request.method().equals("GET");
        String first = s.get(0);
        int n = s.size();
        if (first.equals("projects") && n == 1 && get) {
            return projects(api, csrf);
        }
        if (first.equals("projects") && n == 4 && get) {
            return pipelines(request, api, csrf, slug(s, 1));
        }
        if (first.equals("projects") && n == 5 && s.get(4).equals("trigger") && !get) {
            return trigger(request, api, slug(s, 1));
        }
        if (first.equals("pipelines") && n == 2 && get) {
            return workflows.show(api, csrf, s.get(1));
        }
        if (first.equals("workflows") && n >= 3 && !get) {
            return workflows.act(api, s.get(1), s.subList(2, n));
        }
        if (first.equals("jobs") && n >= 5) {
            String slug = slug(s, 1);
            long number = number(s.get(4));
            if (n == 5 && get) {
                return jobs.show(request, api, csrf, slug, number);
            }
            if (n == 8 && get && s.get(5).equals("log")) {
                return LogRoutes.range(request, api, number + number(s.get(6)) - 1, (int) number(s.get(7)) - 1);
            }
            if (n == 8 && get && s.get(5).equals("events")) {
                return LogRoutes.events(request, api, number + number(s.get(6)) - 1, (int) number(s.get(7)) - 1);
            }
        }
        if (first.equals("runners") && n == 1 && get) {
            return runners.show(api, csrf);
        }
        if (first.equals("runners") && n == 3 && !get) {
            return runners.act(api, s.get(1), s.get(2));
        }
        return WebResponse.html(404, Html.page("Not found", csrf, "<p>No such page.</p>"));
    }

    /** {@code vcs/org/repo} from three path segments (each a plain name: the API checks them). */
    private static String slug(List<String> s, int from) {
        return s.get(from) + "/" + s.get(from + 1) + "/" + s.get(from + 2);
    }

    /** A positive number in the path (1-based node and step numbers too), else the page is not found. */
    private static long number(String text) throws ApiException {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(404, "\"" + text + "\" is not a number", null, null, null);
    }

    static String signInForm(String problem) {
        String body = (problem == null ? "" : "<p role=\"alert\" class=\"problem\">" + esc(problem) + "</p>")
                + "<form method=\"post\" action=\"/ui/sign-in\" class=\"signin\">"
                + "<label for=\"token\">API token</label>"
                + "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required"
                + " autofocus aria-describedby=\"token-help\">"
                + "<p id=\"token-help\" class=\"help\">The admin token (the server's data directory, file admin-token)"
                + " or a token from <code>runway token create</code>. It stays on the server, in memory.</p>"
                + "<button type=\"submit\">Sign in</button></form>";
        return Html.page("Sign in", null, body);
    }

    private WebResponse projects(Api api, String csrf) throws ApiException, InterruptedException {
        JsonNode list = api.get("/api/v3/projects");
        StringBuilder body = new StringBuilder();
        if (list.path("items").isEmpty()) {
            body.append("<p>No projects yet: <code>runway project create</code> adds one.</p>");
        } else {
            body.append("<table><caption>Projects</caption><thead><tr><th scope=\"col\">Project</th>")
                    .append("<th scope=\"col\">Namespace</th><th scope=\"col\">Default branch</th>")
                    .append("<th scope=\"col\">Repository</th></tr></thead><tbody>");
            for (JsonNode project : list.path("items")) {
                String slug = project.path("slug").asText();
                body.append("<tr><td><a href=\"/ui/projects/").append(esc(slug)).append("\">")
                        .append(esc(project.path("name").asText())).append("</a><br><small>").append(esc(slug))
                        .append("</small></td><td>").append(esc(project.path("namespace").asText()))
                        .append("</td><td>").append(esc(project.path("vcs_info").path("default_branch").asText()))
                        .append("</td><td class=\"wrap\">").append(esc(project.path("vcs_info").path("vcs_url")
                                .asText())).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        return WebResponse.html(200, Html.page("Projects", csrf, body.toString()));
    }

    private WebResponse pipelines(WebRequest request, Api api, String csrf, String slug)
            throws ApiException, InterruptedException {
        JsonNode project = api.get("/api/v2/project/" + Api.escape(slug));
        String branch = blankToNull(request.query("branch"));
        String status = blankToNull(request.query("status"));
        String pageToken = blankToNull(request.query("page-token"));
        StringBuilder query = new StringBuilder();
        if (branch != null) {
            query.append("branch=").append(Api.escape(branch));
        }
        if (pageToken != null) {
            query.append(query.length() > 0 ? "&" : "").append("page-token=").append(Api.escape(pageToken));
        }
        JsonNode page = api.get("/api/v2/project/" + Api.escape(slug) + "/pipeline"
                + (query.length() > 0 ? "?" + query : ""));
        StringBuilder body = new StringBuilder();
        String defaultBranch = project.path("vcs_info").path("default_branch").asText("main");
        body.append("<section aria-labelledby=\"trigger-h\" class=\"card\"><h2 id=\"trigger-h\">Trigger a pipeline</h2>")
                .append("<form method=\"post\" action=\"/ui/projects/").append(esc(slug)).append("/trigger\">")
                .append(Html.csrfField(csrf)).append("<label for=\"trigger-branch\">Branch</label>")
                .append("<input id=\"trigger-branch\" name=\"branch\" value=\"").append(esc(defaultBranch))
                .append("\" required><button type=\"submit\">Trigger</button></form></section>");
        body.append("<form method=\"get\" class=\"filters\" aria-label=\"Filter pipelines\">")
                .append("<label for=\"f-branch\">Branch</label><input id=\"f-branch\" name=\"branch\" value=\"")
                .append(esc(branch)).append("\"><label for=\"f-status\">Status</label><select id=\"f-status\" ")
                .append("name=\"status\"><option value=\"\">any</option>");
        for (String option : STATUSES) {
            body.append("<option value=\"").append(option).append('"').append(option.equals(status) ? " selected" : "")
                    .append('>').append(option.replace('_', ' ')).append("</option>");
        }
        body.append("</select><button type=\"submit\">Filter</button></form>");
        body.append("<table><caption>Pipelines of ").append(esc(slug)).append("</caption><thead><tr>")
                .append("<th scope=\"col\">#</th><th scope=\"col\">Status</th><th scope=\"col\">Branch</th>")
                .append("<th scope=\"col\">Revision</th><th scope=\"col\">Trigger</th><th scope=\"col\">Started</th>")
                .append("<th scope=\"col\">Duration</th></tr></thead><tbody>");
        int shown = 0;
        for (JsonNode pipeline : page.path("items")) {
            JsonNode workflowList = api.get("/api/v2/pipeline/" + Api.escape(pipeline.path("id").asText())
                    + "/workflow");
            String overall = pipelineStatus(pipeline, workflowList.path("items"));
            if (status != null && !status.equals(overall)) {
                continue;
            }
            shown++;
            String stopped = latestStop(workflowList.path("items"));
            body.append("<tr><td><a href=\"/ui/pipelines/").append(esc(pipeline.path("id").asText())).append("\">")
                    .append(pipeline.path("number").asLong()).append("</a></td><td>").append(Html.status(overall))
                    .append("</td><td>").append(esc(pipeline.path("vcs").path("branch").asText(
                            pipeline.path("vcs").path("tag").asText()))).append("</td><td><code>")
                    .append(esc(Html.shortRevision(pipeline.path("vcs").path("revision").asText(null))))
                    .append("</code></td><td>").append(esc(pipeline.path("trigger").path("type").asText()))
                    .append(" by ").append(esc(pipeline.path("trigger").path("actor").path("login").asText()))
                    .append("</td><td><time datetime=\"").append(esc(pipeline.path("created_at").asText()))
                    .append("\">").append(esc(pipeline.path("created_at").asText().replace('T', ' ')))
                    .append("</time></td><td>").append(esc(Html.duration(pipeline.path("created_at").asText(),
                            stopped))).append("</td></tr>");
        }
        body.append("</tbody></table>");
        if (shown == 0) {
            body.append("<p>No pipelines").append(status != null || branch != null ? " match the filter" : "")
                    .append(" on this page.</p>");
        }
        String next = page.path("next_page_token").asText(null);
        if (next != null && !next.isEmpty() && !page.path("next_page_token").isNull()) {
            body.append("<p><a href=\"/ui/projects/").append(esc(slug)).append("?page-token=")
                    .append(esc(Api.escape(next))).append(branch == null ? "" : "&amp;branch=" + esc(Api.escape(branch)))
                    .append(status == null ? "" : "&amp;status=" + esc(Api.escape(status))).append("\">Older pipelines</a></p>");
        }
        return WebResponse.html(200, Html.page(project.path("name").asText(slug), csrf, body.toString()));
    }

    private WebResponse trigger(WebRequest request, Api api, String slug) throws ApiException, InterruptedException {
        String branch = blankToNull(request.form("branch"));
        JsonNode created = api.post("/api/v2/project/" + Api.escape(slug) + "/pipeline",
                branch == null ? Map.of() : Map.of("branch", branch));
        return WebResponse.redirect("/ui/pipelines/" + Api.escape(created.path("id").asText()));
    }

    /** The worst of the workflows' statuses (by {@link #STATUSES}); the pipeline's own state when it has none. */
    static String pipelineStatus(JsonNode pipeline, JsonNode workflows) {
        if (!pipeline.path("errors").isEmpty() || pipeline.path("state").asText().equals("errored")) {
            return "errored";
        }
        String worst = null;
        for (JsonNode workflow : workflows) {
            String status = workflow.path("status").asText();
            int rank = STATUSES.indexOf(status);
            if (worst == null || rank >= 0 && (STATUSES.indexOf(worst) < 0 || rank < STATUSES.indexOf(worst))) {
                worst = status;
            }
        }
        return worst == null ? pipeline.path("state").asText("created") : worst;
    }

    /** When the last workflow stopped; null while one still runs. */
    static String latestStop(JsonNode workflows) {
        String latest = null;
        for (JsonNode workflow : workflows) {
            JsonNode stopped = workflow.path("stopped_at");
            if (stopped.isNull() || stopped.isMissingNode()) {
                return null;
            }
            if (latest == null || stopped.asText().compareTo(latest) > 0) {
                latest = stopped.asText();
            }
        }
        return latest;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
