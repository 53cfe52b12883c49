package dev.runway.client;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Names;
import dev.runway.protocol.TaskWire;

import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.OffsetMismatch;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.SshKeys;
import dev.runway.protocol.RunnerApi.TestResults;
import dev.runway.protocol.RunnerApi.TestTimings;
import dev.runway.protocol.BlobsApi.ArtifactUploads;
import dev.runway.protocol.BlobsApi.BlobRef;
import dev.runway.protocol.BlobsApi.BlobStream;
import dev.runway.protocol.BlobsApi.CacheHit;
import dev.runway.protocol.BlobsApi.CacheSave;
import dev.runway.protocol.BlobsApi.CacheSaved;
import dev.runway.protocol.BlobsApi.UploadStatus;
import dev.runway.protocol.BlobsApi.WorkspaceLayers;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.util.UUID;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Everything done after a claim, with the task's own token (it touches only its task). Calls whose loss would lose
 * data (output, results) retry persistently; the heartbeat retries briefly since it repeats anyway.
 */
public final class TaskClient {
    /** How long a launch agent waits for the job it would hand over, before leaving the fetch to the task agent. */
    static final Duration HANDOVER_FETCH_TIMEOUT = Duration.ofSeconds(2);

    private final HttpTransport transport;
    private final String taskId;
    private final String taskToken;
    private volatile CompletableFuture<TaskJob> prefetched;

    /** @throws IllegalArgumentException when {@code taskId} is not an id ({@link Names#isId}): it goes into paths */
    public TaskClient(HttpTransport transport, String taskId, String taskToken) {
        this.transport = transport;
        this.taskId = Names.id("task id", taskId);
        this.taskToken = taskToken;
    }

    public String taskId() {
        return taskId;
    }

    /** The server this task reports to (its project mirror's paths are relative to it). */
    public java.net.URI serverUri() {
        return transport.baseUri();
    }

    /** The job, from {@link #prefetchJob} when that was called, else fetched now. */
    public TaskJob job() throws ApiException, InterruptedException {
        CompletableFuture<TaskJob> fetching = prefetched;
        if (fetching == null) {
            return fetchJob();
        }
        prefetched = null;
        try {
            return fetching.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException failure) {
                throw failure;
            }
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("fetching the job failed", e.getCause());
        }
    }

    /**
     * Starts fetching the job on a thread of its own, for a start that has other work to do meanwhile (the task
     * agent sets up its logging); {@link #job()} answers it.
     */
    public void prefetchJob() {
        CompletableFuture<TaskJob> fetching = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                fetching.complete(fetchJob());
            } catch (ApiException | InterruptedException | RuntimeException e) {
                fetching.completeExceptionally(e);
            }
        }, "job-prefetch");
        thread.setDaemon(true);
        prefetched = fetching;
        thread.start();
    }

    /**
     * The job as the server sends it (JSON), for a launch agent to hand to the task agent with its token: checked
     * to be a readable job, so that what is handed over is one. Asks once, without retries, for at most
     * {@link #HANDOVER_FETCH_TIMEOUT}: the task agent fetches the job itself when this fails.
     */
    public byte[] jobJson() throws ApiException, InterruptedException {
        byte[] json = transport.withRequestTimeout(HANDOVER_FETCH_TIMEOUT).callBlocking("GET",
                ApiPaths.taskJob(taskId), "Authorization", taskToken, null, RetryPolicy.NONE, byte[].class);
        try {
            TaskWire.read(json, TaskJob.class);
        } catch (IOException unreadable) {
            throw new ApiException(0, "GET " + ApiPaths.taskJob(taskId) + ": unreadable job (" + json.length
                    + " bytes)", null, null, null);
        }
        return json;
    }

    /** The job handed over by the launch agent: {@link #job()} answers it without asking the server. */
    public void useJob(TaskJob job) {
        prefetched = CompletableFuture.completedFuture(job);
    }

    private TaskJob fetchJob() throws ApiException, InterruptedException {
        return transport.callBlocking("GET", ApiPaths.taskJob(taskId), "Authorization", taskToken, null,
                RetryPolicy.PERSISTENT, TaskJob.class);
    }

    public HeartbeatResponse heartbeat() throws ApiException, InterruptedException {
        return transport.callBlocking("POST", ApiPaths.heartbeat(taskId), "Authorization", taskToken, null,
                RetryPolicy.QUICK, HeartbeatResponse.class);
    }

    public void stepStarted(int step, StepStart start) throws ApiException, InterruptedException {
        post(ApiPaths.stepStart(taskId, step), start);
    }

    /**
     * Sends {@code length} bytes of {@code data} that sit at {@code offset} of the step's output. A resend of bytes
     * the server already has is harmless. When the server holds a different length (its answer names it), that
     * offset comes back in {@link OffsetMismatchException} so the caller can resync.
     */
    public OutputAck appendOutput(int step, long offset, byte[] data, int length, long readAtEpochMillis)
            throws ApiException, InterruptedException {
        String path = ApiPaths.stepOutput(taskId, step) + "?offset=" + offset + "&at=" + readAtEpochMillis;
        try {
            return transport.postBytes(path, "Authorization", taskToken, data, length, RetryPolicy.PERSISTENT,
                    OutputAck.class);
        } catch (ApiException e) {
            if (e.status() == 409) {
                throw new OffsetMismatchException(e, expectedOffset(e));
            }
            throw e;
        }
    }

    public void stepFinished(int step, StepResult result) throws ApiException, InterruptedException {
        post(ApiPaths.stepResult(taskId, step), result);
    }

    /**
     * Test records of a {@code store_test_results} step, the first being the step's record number {@code first}
     * (a resent batch replaces itself).
     */
    public void storeTestResults(int step, int first, TestResults results) throws ApiException, InterruptedException {
        post(ApiPaths.testResults(taskId, step) + "?first=" + first, results);
    }

    /** The stored test records of the most recent earlier run of this job, for {@code circleci tests split}. */
    public TestTimings testTimings() throws ApiException, InterruptedException {
        return transport.callBlocking("GET", ApiPaths.testTimings(taskId), "Authorization", taskToken, null,
                RetryPolicy.PERSISTENT, TestTimings.class);
    }

    /** The project's SSH keys of these fingerprints (every key when there is none). */
    public SshKeys sshKeys(java.util.List<String> fingerprints) throws ApiException, InterruptedException {
        StringBuilder path = new StringBuilder(ApiPaths.sshKeys(taskId));
        char separator = '?';
        for (String fingerprint : fingerprints) {
            path.append(separator).append("fingerprint=").append(java.net.URLEncoder.encode(fingerprint,
                    java.nio.charset.StandardCharsets.UTF_8));
            separator = '&';
        }
        return transport.callBlocking("GET", path.toString(), "Authorization", taskToken, null,
                RetryPolicy.PERSISTENT, SshKeys.class);
    }

    public void taskFinished(TaskResult result) throws ApiException, InterruptedException {
        post(ApiPaths.taskResult(taskId), result);
    }

    public void unclaim() throws ApiException, InterruptedException {
        post(ApiPaths.unclaim(taskId), null);
    }

    public void fail(InfraFailure failure) throws ApiException, InterruptedException {
        post(ApiPaths.fail(taskId), failure);
    }

    /** A report the task cannot do without: retried until the server takes it (or the policy gives up). */
    private void post(String path, Object body) throws ApiException, InterruptedException {
        transport.callBlocking("POST", path, "Authorization", taskToken, body, RetryPolicy.PERSISTENT, null);
    }

    private static long expectedOffset(ApiException e) throws ApiException {
        try {
            return TaskWire.read(e.body(), OffsetMismatch.class).expectedOffset();
        } catch (IOException unreadable) {
            throw e;
        }
    }

    /** The server's stored output for the step does not end where the chunk starts. */
    public static final class OffsetMismatchException extends ApiException {
        private static final long serialVersionUID = 1L;
        private final long expectedOffset;

        OffsetMismatchException(ApiException cause, long expectedOffset) {
            super(cause.status(), cause.getMessage(), null, cause.body(), cause);
            this.expectedOffset = expectedOffset;
        }

        public long expectedOffset() {
            return expectedOffset;
        }
    }

    /**
     * Uploads {@code file} as the blob {@code sha256} of {@code size} bytes: asks where the server's bytes end and
     * sends the rest, resuming there after a cut connection, until the server has checked and stored the blob (at
     * once when it has it already). Answers whether bytes had to be sent.
     */
    public boolean uploadBlob(Path file, String sha256, long size) throws ApiException, InterruptedException {
        String path = ApiPaths.blobUpload(taskId, sha256);
        boolean[] sent = {false};
        HttpTransport.withRetries(RetryPolicy.PERSISTENT, () -> {
            UploadStatus status = transport.callBlocking("GET", path + "?size=" + size, "Authorization", taskToken,
                    null, RetryPolicy.NONE, UploadStatus.class);
            if (status.complete()) {
                return status;
            }
            sent[0] = true;
            UploadStatus after;
            try {
                after = transport.postFile(path + "?offset=" + status.nextOffset() + "&size=" + size,
                        "Authorization", taskToken, file, status.nextOffset(), size - status.nextOffset(),
                        UploadStatus.class);
            } catch (ApiException e) {
                if (e.status() == 409) { // another attempt's bytes moved the offset: ask again
                    throw new ApiException(0, e.getMessage(), null, null, e);
                }
                throw e;
            }
            if (!after.complete()) {
                throw new ApiException(0, "POST " + path + ": the upload stopped at " + after.nextOffset() + " of "
                        + size + " bytes", null, null, null);
            }
            return after;
        });
        return sent[0];
    }

    /**
     * Downloads the blob {@code sha256} (one the task's project holds) into {@code target}, replacing it, and checks
     * that the bytes have that sha256 (a download that does not is tried again).
     */
    public long downloadBlob(String sha256, Path target) throws ApiException, InterruptedException {
        String path = ApiPaths.blob(taskId, sha256);
        return HttpTransport.withRetries(RetryPolicy.PERSISTENT, () -> {
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
                size = transport.download(path, "Authorization", taskToken, out);
            } catch (ApiException e) {
                throw e;
            } catch (IOException e) {
                throw new ApiException(-1, "writing " + target + ": " + e.getMessage(), null, null, e);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new ApiException(0, "GET " + path + ": the bytes that came have sha256 " + actual, null, null,
                        null);
            }
            return size;
        });
    }

    /**
     * Uploads the bytes {@code writer} writes (their length and hash unknown before), hashing them as they go out:
     * the server stores them under the sha256 it computed and answers it; a blob is answered only when that equals
     * this side's hash (the end-to-end check), so that only checked blobs are registered. A cut connection starts the
     * writer over (the bytes are made as they are sent, so there is no resuming); a failure of the writer's own
     * is thrown as it was. A refused blob is left to the server's sweeper (it is referenced by nothing).
     */
    public BlobRef uploadStream(HttpTransport.BodyWriter writer) throws ApiException, InterruptedException,
            IOException {
        return unchecked(() -> HttpTransport.withRetries(RetryPolicy.PERSISTENT, () -> {
            String path = ApiPaths.blobStream(taskId, UUID.randomUUID().toString());
            MessageDigest digest = sha256();
            long[] sent = {0};
            BlobStream stored;
            try {
                stored = transport.postStream(path, "Authorization", taskToken, -1, out -> {
                    OutputStream counted = new FilterOutputStream(out) {
                        @Override
                        public void write(byte[] bytes, int offset, int length) throws IOException {
                            out.write(bytes, offset, length);
                            digest.update(bytes, offset, length);
                            sent[0] += length;
                        }

                        @Override
                        public void write(int b) throws IOException {
                            write(new byte[] {(byte) b}, 0, 1);
                        }

                        @Override
                        public void close() {
                            // the transport ends the body
                        }
                    };
                    writer.write(counted);
                }, BlobStream.class);
            } catch (ApiException e) {
                if (e.retryable()) {
                    // a full disk may only show as a cut while the body went out: ask whether the bytes fit
                    transport.callBlocking("GET", path + "?size=" + sent[0], "Authorization", taskToken, null,
                            RetryPolicy.NONE, BlobStream.class);
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return checked(path, stored, digest, sent[0]);
        }));
    }

    /**
     * Uploads {@code file} without hashing it first: it is hashed as it goes out, checked against the server's hash
     * of what it stored, and resumed where the server's bytes end after a cut connection (the bytes before are read
     * again for this side's hash). The server's disk must have room for the file before a byte is sent (else 507).
     */
    public BlobRef uploadFile(Path file) throws ApiException, InterruptedException, IOException {
        long size = Files.size(file);
        String path = ApiPaths.blobStream(taskId, UUID.randomUUID().toString());
        return unchecked(() -> HttpTransport.withRetries(RetryPolicy.PERSISTENT, () -> {
            long offset = transport.callBlocking("GET", path + "?size=" + size, "Authorization", taskToken, null,
                    RetryPolicy.NONE, BlobStream.class).nextOffset();
            MessageDigest digest = sha256();
            BlobStream stored;
            try {
                try (InputStream before = Files.newInputStream(file)) {
                    update(digest, before, offset);
                }
                stored = transport.postStream(path + "?offset=" + offset + "&size=" + size, "Authorization",
                        taskToken, size - offset, out -> {
                            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                                channel.position(offset);
                                long copied = update(digest, Channels.newInputStream(channel), size - offset, out);
                                if (copied != size - offset) {
                                    throw new IOException(file + " shrank while it was uploaded");
                                }
                            }
                        }, BlobStream.class);
            } catch (ApiException e) {
                if (e.status() == 409) { // another attempt's bytes moved the offset: ask again
                    throw new ApiException(0, e.getMessage(), null, null, e);
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return checked(path, stored, digest, size);
        }));
    }

    /** The blob the server stored, once its hash is this side's; a short or mismatched one fails the upload. */
    private static BlobRef checked(String path, BlobStream stored, MessageDigest digest, long size)
            throws ApiException {
        if (stored.sha256() == null) {
            throw new ApiException(0, "POST " + path + ": the server holds " + stored.nextOffset() + " of " + size
                    + " bytes", null, null, null);
        }
        String own = HexFormat.of().formatHex(digest.digest());
        if (!own.equals(stored.sha256()) || stored.nextOffset() != size) {
            throw new ApiException(-1, "POST " + path + ": the server stored " + stored.nextOffset()
                    + " bytes of sha256 " + stored.sha256() + ", but " + size + " bytes of sha256 " + own
                    + " were sent: the bytes changed on the way; the blob is not used", null, null, null);
        }
        return new BlobRef(own, size);
    }

    /** Hashes {@code count} bytes of {@code in} (copying them to {@code out} when given); answers how many came. */
    private static long update(MessageDigest digest, InputStream in, long count, OutputStream... out)
            throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long done = 0;
        while (done < count) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, count - done));
            if (read < 0) {
                break;
            }
            for (OutputStream target : out) {
                target.write(buffer, 0, read);
            }
            digest.update(buffer, 0, read);
            done += read;
        }
        return done;
    }

    /**
     * Streams the blob {@code sha256} (one the task's project holds) into {@code reader} as it arrives, hashing it;
     * what the reader leaves unread is read (and hashed) after it. One attempt: a cut connection is an ApiException
     * that {@link ApiException#retryable()}, bytes whose sha256 differ one that is not; either way what the reader
     * made of the bytes is not to be trusted (the caller undoes it). A failure of the reader's own is thrown as it
     * was. Answers the blob's size.
     */
    public long readBlob(String sha256, HttpTransport.BodyReader reader) throws ApiException, IOException {
        String path = ApiPaths.blob(taskId, sha256);
        MessageDigest digest = sha256();
        long[] size = {0};
        transport.get(path, "Authorization", taskToken, in -> {
            InputStream counted = new DigestInputStream(in, digest) {
                @Override
                public int read(byte[] bytes, int offset, int length) throws IOException {
                    int read = super.read(bytes, offset, length);
                    size[0] += Math.max(read, 0);
                    return read;
                }

                @Override
                public int read() throws IOException {
                    int read = super.read();
                    size[0] += read < 0 ? 0 : 1;
                    return read;
                }

                @Override
                public long skip(long count) throws IOException {
                    // skipped bytes are read: every byte counts for the hash
                    byte[] buffer = new byte[(int) Math.min(count, 64 * 1024)];
                    long skipped = 0;
                    for (int read; skipped < count
                            && (read = read(buffer, 0, (int) Math.min(buffer.length, count - skipped))) >= 0; ) {
                        skipped += read;
                    }
                    return skipped;
                }
            };
            reader.read(counted);
            counted.transferTo(OutputStream.nullOutputStream());
        });
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            throw new ApiException(-1, "GET " + path + ": the " + size[0] + " bytes that came have sha256 " + actual
                    + ": what was made of them is not used", null, null, null);
        }
        return size[0];
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** An attempt whose own IOExceptions travel through the retry loop unchecked. */
    @FunctionalInterface
    private interface Uploading {
        BlobRef run() throws ApiException, InterruptedException;
    }

    private static BlobRef unchecked(Uploading uploading) throws ApiException, InterruptedException, IOException {
        try {
            return uploading.run();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The project's cache entry for the first of {@code keys} that some key starts with; null on a miss. */
    public CacheHit findCache(List<String> keys) throws ApiException, InterruptedException {
        StringBuilder query = new StringBuilder();
        for (String key : keys) {
            query.append(query.length() == 0 ? '?' : '&').append("key=")
                    .append(URLEncoder.encode(key, StandardCharsets.UTF_8));
        }
        return transport.callBlocking("GET", ApiPaths.caches(taskId) + query, "Authorization", taskToken, null,
                RetryPolicy.PERSISTENT, CacheHit.class);
    }

    /** Saves a cache entry of an uploaded blob; {@code saved} false when the key exists (it is kept). */
    public CacheSaved saveCache(CacheSave save) throws ApiException, InterruptedException {
        return transport.callBlocking("POST", ApiPaths.caches(taskId), "Authorization", taskToken, save,
                RetryPolicy.PERSISTENT, CacheSaved.class);
    }

    /** Adds an uploaded blob as this job's workspace layer. */
    public void addWorkspaceLayer(BlobRef layer) throws ApiException, InterruptedException {
        post(ApiPaths.workspace(taskId), layer);
    }

    /** The workspace layers of the jobs this job requires, oldest first. */
    public WorkspaceLayers workspaceLayers() throws ApiException, InterruptedException {
        return transport.callBlocking("GET", ApiPaths.workspace(taskId), "Authorization", taskToken, null,
                RetryPolicy.PERSISTENT, WorkspaceLayers.class);
    }

    /** Records uploaded blobs as this job's artifacts. */
    public void addArtifacts(ArtifactUploads artifacts) throws ApiException, InterruptedException {
        post(ApiPaths.artifacts(taskId), artifacts);
    }

    @Override
    public String toString() {
        return "TaskClient[" + taskId + "]";
    }

}
