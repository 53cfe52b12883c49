package dev.runway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.BlobsApi;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.TriggersApi;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Projects ({@code /api/v3/projects}) and CircleCI API v2's pipelines, workflows and jobs, with the admin token.
 * API v2 answers are read as JSON trees: their shapes are CircleCI's, and a client only picks what it shows.
 */
public final class PipelinesClient {
    private final HttpTransport transport;
    private final String token;

    public PipelinesClient(HttpTransport transport, String token) {
        this.transport = transport;
        this.token = token;
    }

    public PipelinesApi.Project createProject(PipelinesApi.ProjectCreate project)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("POST", PipelinesApi.PROJECTS, project), PipelinesApi.Project.class);
    }

    public PipelinesApi.ProjectList listProjects() throws ApiException, InterruptedException {
        return RunnerClient.read(call("GET", PipelinesApi.PROJECTS, null), PipelinesApi.ProjectList.class);
    }

    /** By id or slug. */
    public PipelinesApi.Project project(String idOrSlug) throws ApiException, InterruptedException {
        return RunnerClient.read(call("GET", PipelinesApi.project(encode(idOrSlug)), null),
                PipelinesApi.Project.class);
    }

    public void deleteProject(String idOrSlug) throws ApiException, InterruptedException {
        call("DELETE", PipelinesApi.project(encode(idOrSlug)), null);
    }

    /** Triggers a pipeline of the project (slug); {@code branch} and {@code tag} may be null. */
    public PipelinesApi.PipelineCreated trigger(String slug, String branch, String tag, Map<String, Object> parameters)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("POST", PipelinesApi.v2ProjectPipelines(encode(slug)),
                new PipelinesApi.TriggerBody(branch, tag, parameters.isEmpty() ? null : parameters)),
                PipelinesApi.PipelineCreated.class);
    }

    public JsonNode pipeline(String pipelineId) throws ApiException, InterruptedException {
        return tree("GET", PipelinesApi.v2Pipeline(encode(pipelineId)), null);
    }

    /** {@code {items, next_page_token}} of the pipeline's workflows. */
    public JsonNode workflows(String pipelineId) throws ApiException, InterruptedException {
        return tree("GET", PipelinesApi.v2PipelineWorkflows(encode(pipelineId)), null);
    }

    public JsonNode workflow(String workflowId) throws ApiException, InterruptedException {
        return tree("GET", PipelinesApi.v2Workflow(encode(workflowId)), null);
    }

    /** {@code {items, next_page_token}} of the workflow's jobs. */
    public JsonNode workflowJobs(String workflowId) throws ApiException, InterruptedException {
        return tree("GET", PipelinesApi.v2Workflow(encode(workflowId)) + "/job", null);
    }

    /** CircleCI's job details (by the project's slug and the job's number). */
    public JsonNode jobDetails(String slug, long number) throws ApiException, InterruptedException {
        return tree("GET", PipelinesApi.V2 + "/project/" + encode(slug) + "/job/" + number, null);
    }

    public void approve(String workflowId, String approvalRequestId) throws ApiException, InterruptedException {
        call("POST", PipelinesApi.v2Workflow(encode(workflowId)) + "/approve/" + encode(approvalRequestId), null);
    }

    public void cancelWorkflow(String workflowId) throws ApiException, InterruptedException {
        call("POST", PipelinesApi.v2Workflow(encode(workflowId)) + "/cancel", null);
    }

    /** Answers the new workflow's id. */
    public String rerun(String workflowId, boolean fromFailed) throws ApiException, InterruptedException {
        return tree("POST", PipelinesApi.v2Workflow(encode(workflowId)) + "/rerun",
                Map.of("from_failed", fromFailed)).path("workflow_id").asText();
    }

    /** Sets the project's webhook secret; {@code secret} null: the server generates one and answers it. */
    public TriggersApi.WebhookSecretAnswer setWebhookSecret(String idOrSlug, String secret)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("PUT", TriggersApi.webhookSecret(encode(idOrSlug)),
                new TriggersApi.WebhookSecretBody(secret)), TriggersApi.WebhookSecretAnswer.class);
    }

    /** Adds an SSH private key to the project; answers its fingerprints. */
    public dev.runway.protocol.TestsApi.SshKeyInfo addSshKey(String idOrSlug, String privateKey)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("POST", dev.runway.protocol.TestsApi.sshKeys(encode(idOrSlug)),
                new dev.runway.protocol.TestsApi.SshKeyAdd(privateKey)), dev.runway.protocol.TestsApi.SshKeyInfo.class);
    }

    /** The project's SSH keys, by fingerprint (never the keys). */
    public dev.runway.protocol.TestsApi.SshKeyList sshKeys(String idOrSlug) throws ApiException, InterruptedException {
        return RunnerClient.read(call("GET", dev.runway.protocol.TestsApi.sshKeys(encode(idOrSlug)), null),
                dev.runway.protocol.TestsApi.SshKeyList.class);
    }

    /** Deletes the project's SSH key of that fingerprint (SHA256 or MD5). */
    public void deleteSshKey(String idOrSlug, String fingerprint) throws ApiException, InterruptedException {
        call("DELETE", dev.runway.protocol.TestsApi.sshKeys(encode(idOrSlug)) + "?fingerprint=" + encode(fingerprint),
                null);
    }

    /** CircleCI API v2's test metadata of a job: one page ({@code pageToken} null for the first). */
    public JsonNode jobTests(String slug, long jobNumber, String pageToken) throws ApiException, InterruptedException {
        return tree("GET", dev.runway.protocol.TestsApi.v2JobTests(encode(slug), jobNumber)
                + (pageToken == null ? "" : "?page-token=" + encode(pageToken)), null);
    }

    /** Polls the project's branches every {@code intervalSeconds} (null: the server's default). */
    public TriggersApi.PollStatus setPoll(String idOrSlug, java.util.List<String> branches, Long intervalSeconds)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("PUT", TriggersApi.poll(encode(idOrSlug)), new TriggersApi.PollBody(branches,
                intervalSeconds)), TriggersApi.PollStatus.class);
    }

    /** The project's polling, or null when it is not polled. */
    public TriggersApi.PollStatus poll(String idOrSlug) throws ApiException, InterruptedException {
        try {
            return RunnerClient.read(call("GET", TriggersApi.poll(encode(idOrSlug)), null),
                    TriggersApi.PollStatus.class);
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    public void stopPoll(String idOrSlug) throws ApiException, InterruptedException {
        call("DELETE", TriggersApi.poll(encode(idOrSlug)), null);
    }

    public TriggersApi.ScheduleView createSchedule(String slug, TriggersApi.ScheduleCreate schedule)
            throws ApiException, InterruptedException {
        return RunnerClient.read(call("POST", TriggersApi.schedules(encode(slug)), schedule),
                TriggersApi.ScheduleView.class);
    }

    /** {@code {items, next_page_token}} of the project's schedules. */
    public JsonNode schedules(String slug) throws ApiException, InterruptedException {
        return tree("GET", TriggersApi.schedules(encode(slug)), null);
    }

    public void deleteSchedule(String id) throws ApiException, InterruptedException {
        call("DELETE", TriggersApi.schedule(encode(id)), null);
    }

    /** A CircleCI API v2 call of the contexts and variables routes ({@link ContextsApi}), answered as JSON. */
    public JsonNode variables(String method, String path, Object body) throws ApiException, InterruptedException {
        return tree(method, path, body);
    }

    /**
     * Any call of the API answered as JSON ({@code null} for an empty answer): for readers of routes this client has
     * no method for, such as the dashboard.
     */
    public JsonNode json(String method, String path, Object body) throws ApiException, InterruptedException {
        HttpResponse<byte[]> response = call(method, path, body);
        return response.body().length == 0 ? null : RunnerClient.read(response, JsonNode.class);
    }

    /** One sweep of the blob store ({@link BlobsApi#GC}): what it removed, as JSON. */
    public JsonNode sweepBlobs() throws ApiException, InterruptedException {
        return tree("POST", BlobsApi.GC, null);
    }

    /** The project's artifact retention; {@code days} null: the server's default, else at least 1. */
    public JsonNode setArtifactRetention(String idOrSlug, Integer days) throws ApiException, InterruptedException {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("days", days);
        return tree("PUT", BlobsApi.artifactRetention(encode(idOrSlug)), body);
    }

    /** A path segment, URL-escaped (a slug's slashes too). */
    public static String escape(String segment) {
        return encode(segment);
    }

    private JsonNode tree(String method, String path, Object body) throws ApiException, InterruptedException {
        return RunnerClient.read(call(method, path, body), JsonNode.class);
    }

    private HttpResponse<byte[]> call(String method, String path, Object body)
            throws ApiException, InterruptedException {
        return transport.send(() -> {
            HttpRequest.Builder request = transport.request(path, "Circle-Token", token);
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpTransport.json(body)).build();
        }, RetryPolicy.NONE, Duration.ZERO);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
