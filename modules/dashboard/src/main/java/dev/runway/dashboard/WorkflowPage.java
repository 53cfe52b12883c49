package dev.runway.dashboard;

import static dev.runway.dashboard.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A pipeline: its workflows, each with its job graph, its jobs as a table, and its actions. */
final class WorkflowPage {
    private static final Set<String> CANCELABLE = Set.of("running", "on_hold", "failing", "not_run");
    private static final Set<String> RERUNNABLE = Set.of("failed", "canceled", "error", "failing");

    WebResponse show(Api api, String csrf, String pipelineId) throws ApiException, InterruptedException {
        JsonNode pipeline = api.get("/api/v2/pipeline/" + Api.escape(pipelineId));
        JsonNode workflows = api.get("/api/v2/pipeline/" + Api.escape(pipelineId) + "/workflow").path("items");
        String slug = pipeline.path("project_slug").asText();
        StringBuilder body = new StringBuilder();
        body.append("<p class=\"meta\"><a href=\"/ui/projects/").append(esc(slug)).append("\">").append(esc(slug))
                .append("</a> · branch <strong>").append(esc(pipeline.path("vcs").path("branch").asText(
                        pipeline.path("vcs").path("tag").asText()))).append("</strong> · revision <code>")
                .append(esc(Html.shortRevision(pipeline.path("vcs").path("revision").asText(null))))
                .append("</code> · ").append(esc(pipeline.path("trigger").path("type").asText())).append(" by ")
                .append(esc(pipeline.path("trigger").path("actor").path("login").asText())).append(" · ")
                .append(Html.status(Pages.pipelineStatus(pipeline, workflows))).append("</p>");
        for (JsonNode error : pipeline.path("errors")) {
            body.append("<p role=\"alert\" class=\"problem\">").append(esc(error.path("type").asText())).append(": ")
                    .append(esc(error.path("message").asText())).append("</p>");
        }
        if (workflows.isEmpty()) {
            body.append("<p>No workflows.</p>");
        }
        for (JsonNode workflow : workflows) {
            String id = workflow.path("id").asText();
            String status = workflow.path("status").asText();
            List<JsonNode> jobs = new java.util.ArrayList<>();
            api.get("/api/v2/workflow/" + Api.escape(id) + "/job").path("items").forEach(jobs::add);
            body.append("<section class=\"workflow card\" aria-labelledby=\"wf-").append(esc(id)).append("\">")
                    .append("<h2 id=\"wf-").append(esc(id)).append("\">").append(esc(workflow.path("name").asText()))
                    .append(' ').append(Html.status(status)).append(" <small>")
                    .append(esc(Html.duration(workflow.path("created_at").asText(),
                            workflow.path("stopped_at").asText(null)))).append("</small></h2><div class=\"actions\">");
            if (CANCELABLE.contains(status)) {
                body.append(Html.action("/ui/workflows/" + id + "/cancel", "Cancel workflow", csrf, "danger"));
            }
            if (RERUNNABLE.contains(status) && workflow.path("stopped_at").isTextual()) {
                body.append(Html.action("/ui/workflows/" + id + "/rerun-failed", "Rerun from failed", csrf, ""));
            }
            for (JsonNode job : jobs) {
                if (job.path("type").asText().equals("approval") && job.path("status").asText().equals("on_hold")) {
                    body.append(Html.action("/ui/workflows/" + id + "/approve/" + job.path("approval_request_id")
                            .asText(), "Approve " + job.path("name").asText(), csrf, "primary"));
                }
            }
            body.append("</div>").append(JobGraph.svg(workflow.path("name").asText(), slug, jobs));
            body.append("<details class=\"joblist\"><summary>Jobs as a table</summary><table><thead><tr>")
                    .append("<th scope=\"col\">Job</th><th scope=\"col\">Status</th><th scope=\"col\">Duration</th>")
                    .append("</tr></thead><tbody>");
            for (JsonNode job : jobs) {
                body.append("<tr><td>").append(JobGraph.jobLink(slug, job)).append("</td><td>")
                        .append(Html.status(job.path("status").asText())).append("</td><td>")
                        .append(esc(Html.duration(job.path("started_at").asText(null),
                                job.path("stopped_at").asText(null)))).append("</td></tr>");
            }
            body.append("</tbody></table></details></section>");
        }
        return WebResponse.html(200, Html.page("Pipeline " + pipeline.path("number").asLong(), csrf,
                body.toString()));
    }

    /** cancel, rerun-failed, approve/{request-id}: the API's actions, then back to the pipeline. */
    WebResponse act(Api api, String workflowId, List<String> action) throws ApiException, InterruptedException {
        JsonNode workflow = api.get("/api/v2/workflow/" + Api.escape(workflowId));
        String base = "/api/v2/workflow/" + Api.escape(workflowId);
        String back = "/ui/pipelines/" + Api.escape(workflow.path("pipeline_id").asText());
        if (action.equals(List.of("cancel"))) {
            api.post(base + "/cancel", null);
        } else if (action.equals(List.of("rerun-failed"))) {
            JsonNode rerun = api.post(base + "/rerun", Map.of("from_failed", true));
            if (rerun != null && rerun.hasNonNull("workflow_id")) {
                back = "/ui/pipelines/" + Api.escape(api.get("/api/v2/workflow/" + Api.escape(
                        rerun.path("workflow_id").asText())).path("pipeline_id").asText());
            }
        } else if (action.size() == 2 && action.get(0).equals("approve")) {
            api.post(base + "/approve/" + Api.escape(action.get(1)), null);
        } else {
            throw new ApiException(404, "no such action on a workflow: " + String.join("/", action), null, null,
                    null);
        }
        return WebResponse.redirect(back);
    }
}
