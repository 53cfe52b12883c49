package dev.runway.client;

import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobList;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.ManagementApi;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The management API and jobs, with the admin token ({@code Circle-Token}, as CircleCI's CLI sends it). Calls are not
 * retried: a person or a test is waiting for the answer.
 */
public final class ManagementClient {
    private final HttpTransport transport;
    private final String adminToken;

    public ManagementClient(HttpTransport transport, String adminToken) {
        this.transport = transport;
        this.adminToken = adminToken;
    }

    public ManagementApi.NamespaceCreated createNamespace(String name, String orgId)
            throws ApiException, InterruptedException {
        return post(ManagementApi.NAMESPACES, new ManagementApi.NamespaceCreate(name, orgId),
                ManagementApi.NamespaceCreated.class);
    }

    /** Every namespace, with its organisation id. */
    public ManagementApi.NamespaceList listNamespaces() throws ApiException, InterruptedException {
        return get(ManagementApi.NAMESPACES, ManagementApi.NamespaceList.class);
    }

    /** The namespace named {@code name}; an {@link ApiException} (404) when there is none. */
    public ManagementApi.NamespaceData namespace(String name) throws ApiException, InterruptedException {
        return get(ManagementApi.NAMESPACES + "?" + encode("filter[name]") + "=" + encode(name),
                ManagementApi.NamespaceCreated.class).data();
    }

    /** Renames a namespace; its resource classes follow. */
    public ManagementApi.NamespaceData renameNamespace(String id, String newName)
            throws ApiException, InterruptedException {
        return post(ManagementApi.namespaceRename(encode(id)), new ManagementApi.NamespaceRename(newName),
                ManagementApi.NamespaceCreated.class).data();
    }

    /** Deletes a namespace; refused (409) while it has resource classes. */
    public void deleteNamespace(String id) throws ApiException, InterruptedException {
        delete(ManagementApi.namespace(encode(id)));
    }

    /** {@code resourceClass}: {@code namespace/name}. */
    public ManagementApi.ResourceClass createResourceClass(String resourceClass, String description)
            throws ApiException, InterruptedException {
        return post(ManagementApi.RESOURCE_CLASSES, new ManagementApi.ResourceClassCreate(resourceClass,
                description), ManagementApi.ResourceClass.class);
    }

    public ManagementApi.ResourceClassList listResourceClasses(String namespace)
            throws ApiException, InterruptedException {
        return get(ManagementApi.RESOURCE_CLASSES + "?namespace=" + encode(namespace),
                ManagementApi.ResourceClassList.class);
    }

    /** {@code force} also deletes the class's tokens. */
    public void deleteResourceClass(String id, boolean force) throws ApiException, InterruptedException {
        delete(force ? ManagementApi.resourceClassForce(encode(id)) : ManagementApi.resourceClass(encode(id)));
    }

    /** Creates a resource-class token; the answer is the only time its secret is shown. */
    public ManagementApi.TokenCreated createToken(String resourceClass, String nickname)
            throws ApiException, InterruptedException {
        return post(ManagementApi.TOKENS, new ManagementApi.TokenCreate(resourceClass, nickname),
                ManagementApi.TokenCreated.class);
    }

    /** Creates a scoped API token ({@code namespace} null: all); the answer is the only time its secret is shown. */
    public ManagementApi.ApiTokenCreated createApiToken(String nickname, String scope, String namespace)
            throws ApiException, InterruptedException {
        return post(ManagementApi.API_TOKENS, new ManagementApi.ApiTokenCreate(nickname, scope, namespace),
                ManagementApi.ApiTokenCreated.class);
    }

    public ManagementApi.ApiTokenList listApiTokens() throws ApiException, InterruptedException {
        return get(ManagementApi.API_TOKENS, ManagementApi.ApiTokenList.class);
    }

    public void revokeApiToken(String id) throws ApiException, InterruptedException {
        delete(ManagementApi.apiToken(encode(id)));
    }

    public ManagementApi.TokenList listTokens(String resourceClass) throws ApiException, InterruptedException {
        return get(ManagementApi.TOKENS + "?resource-class=" + encode(resourceClass), ManagementApi.TokenList.class);
    }

    public void deleteToken(String id) throws ApiException, InterruptedException {
        delete(ManagementApi.token(encode(id)));
    }

    public ManagementApi.RunnerList listRunnersOfResourceClass(String resourceClass)
            throws ApiException, InterruptedException {
        return get(ManagementApi.RUNNERS + "?resource-class=" + encode(resourceClass), ManagementApi.RunnerList.class);
    }

    public ManagementApi.RunnerList listRunnersOfNamespace(String namespace)
            throws ApiException, InterruptedException {
        return get(ManagementApi.RUNNERS + "?namespace=" + encode(namespace), ManagementApi.RunnerList.class);
    }

    public long unclaimedTasks(String resourceClass) throws ApiException, InterruptedException {
        return get(ManagementApi.UNCLAIMED_TASKS + "?resource-class=" + encode(resourceClass),
                ManagementApi.UnclaimedTasks.class).unclaimedTaskCount();
    }

    public long runningTasks(String resourceClass) throws ApiException, InterruptedException {
        return get(ManagementApi.RUNNING_TASKS + "?resource-class=" + encode(resourceClass),
                ManagementApi.RunningTasks.class).runningRunnerTasks();
    }

    /** Whether the class's claims get tasks ({@code id}: the class's id). */
    public boolean dispatchPaused(String id) throws ApiException, InterruptedException {
        return get(ManagementApi.dispatch(encode(id)), ManagementApi.Dispatch.class).paused();
    }

    /** Pauses ({@code true}) or resumes the dispatch of the class's tasks to its runners. */
    public boolean setDispatchPaused(String id, boolean paused) throws ApiException, InterruptedException {
        return RunnerClient.read(send(() -> transport.request(ManagementApi.dispatch(encode(id)), "Circle-Token",
                adminToken).header("Content-Type", "application/json")
                .PUT(HttpTransport.json(new ManagementApi.Dispatch(paused))).build()), ManagementApi.Dispatch.class)
                .paused();
    }

    public JobStatus submitJob(JobSubmission job) throws ApiException, InterruptedException {
        return post(JobsApi.JOBS, job, JobStatus.class);
    }

    public JobStatus jobStatus(String jobId) throws ApiException, InterruptedException {
        return get(JobsApi.job(encode(jobId)), JobStatus.class);
    }

    /** Newest first; {@code resourceClass} and {@code state} may be null (all). */
    public JobList listJobs(String resourceClass, JobsApi.JobState state, int limit)
            throws ApiException, InterruptedException {
        StringBuilder query = new StringBuilder("?limit=").append(limit);
        if (resourceClass != null) {
            query.append("&resource-class=").append(encode(resourceClass));
        }
        if (state != null) {
            query.append("&state=").append(state.name().toLowerCase(java.util.Locale.ROOT));
        }
        return get(JobsApi.JOBS + query, JobList.class);
    }

    public JobStatus cancelJob(String jobId) throws ApiException, InterruptedException {
        return post(JobsApi.cancel(encode(jobId)), null, JobStatus.class);
    }

    /** A piece of a step's output: the bytes, where to ask next, and whether more can come. */
    public record OutputChunk(byte[] data, long nextOffset, boolean complete) {}

    /**
     * The step's output from {@code offset}; with {@code wait} above zero the server holds the request until bytes
     * come, the step ends or the wait is over (follow).
     */
    public OutputChunk jobOutput(String jobId, int step, long offset, Duration wait)
            throws ApiException, InterruptedException {
        String path = JobsApi.stepOutput(encode(jobId), step) + "?offset=" + offset + "&wait=" + wait.toSeconds();
        HttpResponse<byte[]> response = transport.send(
                () -> transport.request(path, "Circle-Token", adminToken).GET().build(), RetryPolicy.NONE, wait);
        long next = response.headers().firstValueAsLong(JobsApi.NEXT_OFFSET_HEADER)
                .orElse(offset + response.body().length);
        boolean complete = response.headers().firstValue(JobsApi.COMPLETE_HEADER).map(Boolean::parseBoolean)
                .orElse(false);
        return new OutputChunk(response.body(), next, complete);
    }

    private <T> T get(String path, Class<T> type) throws ApiException, InterruptedException {
        return RunnerClient.read(send(() -> transport.request(path, "Circle-Token", adminToken).GET().build()),
                type);
    }

    private <T> T post(String path, Object body, Class<T> type) throws ApiException, InterruptedException {
        return RunnerClient.read(send(() -> transport.request(path, "Circle-Token", adminToken)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpTransport.json(body)).build()), type);
    }

    private void delete(String path) throws ApiException, InterruptedException {
        send(() -> transport.request(path, "Circle-Token", adminToken).DELETE().build());
    }

    private HttpResponse<byte[]> send(Supplier<HttpRequest> request) throws ApiException, InterruptedException {
        return transport.send(request, RetryPolicy.NONE, Duration.ZERO);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
