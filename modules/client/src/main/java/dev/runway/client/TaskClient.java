package dev.runway.client;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Json;

import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.OffsetMismatch;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Everything done after a claim, with the task's own token (it touches only its task). Calls whose loss would lose
 * data (output, results) retry persistently; the heartbeat retries briefly since it repeats anyway.
 */
public final class TaskClient {
    private final HttpTransport transport;
    private final String taskId;
    private final String taskToken;

    public TaskClient(HttpTransport transport, String taskId, String taskToken) {
        this.transport = transport;
        this.taskId = taskId;
        this.taskToken = taskToken;
    }

    public String taskId() {
        return taskId;
    }

    public TaskJob job() throws ApiException, InterruptedException {
        return transport.sendForJson(get(ApiPaths.taskJob(taskId)), RetryPolicy.PERSISTENT, Duration.ZERO,
                TaskJob.class);
    }

    public HeartbeatResponse heartbeat() throws ApiException, InterruptedException {
        return transport.sendForJson(post(ApiPaths.heartbeat(taskId), null), RetryPolicy.QUICK, Duration.ZERO,
                HeartbeatResponse.class);
    }

    public void stepStarted(int step, StepStart start) throws ApiException, InterruptedException {
        send(post(ApiPaths.stepStart(taskId, step), start), RetryPolicy.PERSISTENT);
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
        send(post(ApiPaths.stepResult(taskId, step), result), RetryPolicy.PERSISTENT);
    }

    public void taskFinished(TaskResult result) throws ApiException, InterruptedException {
        send(post(ApiPaths.taskResult(taskId), result), RetryPolicy.PERSISTENT);
    }

    public void unclaim() throws ApiException, InterruptedException {
        send(post(ApiPaths.unclaim(taskId), null), RetryPolicy.PERSISTENT);
    }

    public void fail(InfraFailure failure) throws ApiException, InterruptedException {
        send(post(ApiPaths.fail(taskId), failure), RetryPolicy.PERSISTENT);
    }

    private java.util.function.Supplier<HttpRequest> get(String path) {
        return () -> transport.request(path, "Authorization", taskToken).GET().build();
    }

    private java.util.function.Supplier<HttpRequest> post(String path, Object body) {
        return () -> transport.request(path, "Authorization", taskToken)
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpTransport.json(body)).build();
    }

    private HttpResponse<byte[]> send(java.util.function.Supplier<HttpRequest> request, RetryPolicy policy)
            throws ApiException, InterruptedException {
        return transport.send(request, policy, Duration.ZERO);
    }

    private static long expectedOffset(ApiException e) throws ApiException {
        try {
            return Json.read(e.body(), OffsetMismatch.class).expectedOffset();
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

    @Override
    public String toString() {
        return "TaskClient[" + taskId + "]";
    }

}
