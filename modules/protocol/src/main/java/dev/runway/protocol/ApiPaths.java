package dev.runway.protocol;

/**
 * Paths of the runner protocol (docs/architecture.md, "Processes and what crosses between them"); all under
 * {@code /api/v3}.
 */
public final class ApiPaths {
    public static final String BASE = "/api/v3";

    /** {@code POST}, resource-class token; long-poll; 200 {@link RunnerApi.ClaimResponse} or 204. */
    public static final String CLAIM = BASE + "/runner/claim";

    /** Liveness: the process serves (no token). */
    public static final String HEALTHZ = "/healthz";

    /** Readiness: the database answers and its schema is current (no token; 503 with the reason otherwise). */
    public static final String READYZ = "/readyz";

    /** Prometheus metrics (the admin token or an API token of all namespaces). */
    public static final String METRICS = "/metrics";

    private static final String TASK = BASE + "/runner/tasks/";

    private ApiPaths() {}

    /** {@code GET}, task token: the job to run ({@link RunnerApi.TaskJob}). */
    public static String taskJob(String taskId) {
        return TASK + taskId + "/job";
    }

    /** {@code POST}, task token: renews the lease; answers {@link RunnerApi.HeartbeatResponse}. */
    public static String heartbeat(String taskId) {
        return TASK + taskId + "/heartbeat";
    }

    /** {@code POST}, task token, body {@link RunnerApi.StepStart}. */
    public static String stepStart(String taskId, int step) {
        return TASK + taskId + "/steps/" + step + "/start";
    }

    /**
     * {@code POST}, task token, raw bytes ({@code application/octet-stream}), query {@code offset} (byte offset of
     * the chunk's first byte in the step's output) and {@code at} (epoch millis the bytes were read). Idempotent by
     * offset: a resent chunk is not stored twice; a gap answers 409 {@link RunnerApi.OffsetMismatch}.
     * Answers {@link RunnerApi.OutputAck}.
     */
    public static String stepOutput(String taskId, int step) {
        return TASK + taskId + "/steps/" + step + "/output";
    }

    /** {@code POST}, task token, body {@link RunnerApi.StepResult}. */
    public static String stepResult(String taskId, int step) {
        return TASK + taskId + "/steps/" + step + "/result";
    }

    /** {@code POST}, task token, body {@link RunnerApi.TaskResult}. */
    public static String taskResult(String taskId) {
        return TASK + taskId + "/result";
    }

    /** {@code POST}, task token: gives the task back to the queue untouched (e.g. the agent is draining). */
    public static String unclaim(String taskId) {
        return TASK + taskId + "/unclaim";
    }

    /** {@code POST}, task token, body {@link RunnerApi.InfraFailure}: the runner could not run the task. */
    public static String fail(String taskId) {
        return TASK + taskId + "/fail";
    }

    /**
     * {@code POST}, task token, body {@link RunnerApi.TestResults}, query {@code first} (the step's record number of
     * the first record): test records of a {@code store_test_results} step, in batches; a resent batch replaces
     * itself.
     */
    public static String testResults(String taskId, int step) {
        return TASK + taskId + "/steps/" + step + "/tests";
    }

    /** {@code GET}, task token: {@link RunnerApi.TestTimings} of the most recent earlier run of this job. */
    public static String testTimings(String taskId) {
        return TASK + taskId + "/test-timings";
    }

    /**
     * {@code GET}, task token, query {@code fingerprint} (repeated; none: every key): {@link RunnerApi.SshKeys} of
     * the task's project.
     */
    public static String sshKeys(String taskId) {
        return TASK + taskId + "/ssh-keys";
    }

    /**
     * {@code GET}, task token, query {@code size}: where an upload of the blob {@code sha256} (lowercase hex) stands
     * ({@link BlobsApi.UploadStatus}). {@code POST}, raw bytes, query {@code offset} and {@code size} (the whole
     * blob's): appends the bytes at that offset; idempotent by offset as step output is, a gap answers 409
     * {@link RunnerApi.OffsetMismatch}. The last bytes make the server check the sha256 and publish the blob.
     */
    public static String blobUpload(String taskId, String sha256) {
        return TASK + taskId + "/blobs/" + sha256 + "/upload";
    }

    /**
     * A streamed upload {@code uploadId} (the uploader's choice: letters, digits, dashes) of a blob whose sha256 the
     * uploader does not know up front. {@code GET}, task token, optional query {@code size} (the bytes still to
     * come, checked against the disk's room: 507 when they do not fit): where it stands
     * ({@link BlobsApi.BlobStream}). {@code POST}, raw bytes (chunked when their length is unknown), query
     * {@code offset} (default 0) and optional {@code size} (the whole blob's): appends them; the blob is complete when
     * it holds {@code size} bytes or, without a size, when the body ends cleanly. The server then fsyncs it, stores it
     * under the sha256 it computed and answers that hash; a cut body leaves the bytes received for a resume at their
     * end.
     */
    public static String blobStream(String taskId, String uploadId) {
        return TASK + taskId + "/blob-streams/" + uploadId;
    }

    /** {@code GET}, task token: the blob's bytes, when the task's project holds it (a cache, a workspace layer). */
    public static String blob(String taskId, String sha256) {
        return TASK + taskId + "/blobs/" + sha256;
    }

    /**
     * {@code GET}, task token, query {@code key} (repeated, in order of preference): the project's most recent cache
     * entry whose key starts with the first key that matches any ({@link BlobsApi.CacheHit}), 204 on a miss.
     * {@code POST}, body {@link BlobsApi.CacheSave}: a new entry, never replacing one ({@link BlobsApi.CacheSaved}).
     */
    public static String caches(String taskId) {
        return TASK + taskId + "/caches";
    }

    /**
     * {@code GET}, task token: the workspace layers of the jobs this job (transitively) requires
     * ({@link BlobsApi.WorkspaceLayers}). {@code POST}, body {@link BlobsApi.BlobRef}: this job's layer.
     */
    public static String workspace(String taskId) {
        return TASK + taskId + "/workspace";
    }

    /** {@code POST}, task token, body {@link BlobsApi.ArtifactUploads}: artifacts of this job. */
    public static String artifacts(String taskId) {
        return TASK + taskId + "/artifacts";
    }

    /**
     * The task's project mirror, read-only over git's smart HTTP ({@code GET .../info/refs?service=git-upload-pack},
     * {@code POST .../git-upload-pack}) with the task's checkout credential, never its task token.
     */
    public static String gitMirror(String taskId) {
        return TASK + taskId + "/git";
    }
}
