package dev.runway.client;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Names;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The launch agent's side of the claim: long-polls for a task with the resource-class token. */
public final class RunnerClient {
    private final HttpTransport transport;
    private final String resourceClassToken;
    private volatile boolean claimsAfterTasks;

    public RunnerClient(HttpTransport transport, String resourceClassToken) {
        this.transport = transport;
        this.resourceClassToken = resourceClassToken;
    }

    /**
     * Asks for a task; the server holds the request up to {@code request.waitSeconds()}. Empty when none came.
     * No retry here: the caller's loop owns backoff, so it can also drain and report health between tries.
     */
    public Optional<ClaimResponse> claim(ClaimRequest request) throws ApiException, InterruptedException {
        Optional<ClaimResponse> claimed = Optional.ofNullable(transport.sendForJson(
                () -> transport.request(ApiPaths.CLAIM, "Authorization", resourceClassToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpTransport.json(request)).build(),
                RetryPolicy.NONE, Duration.ofSeconds(request.waitSeconds()), ClaimResponse.class,
                headers -> claimsAfterTasks = headers.firstValue(RunnerApi.CLAIM_FEATURES_HEADER)
                        .map(RunnerClient::listsAfterTasks).orElse(false)));
        if (claimed.isPresent()) {
            checkIds(claimed.get());
        }
        return claimed;
    }

    /**
     * The task id goes into every later request path and the job id into logs: an answer with anything but the
     * protocol's id syntax is a protocol error (nothing of it is used), as an unreadable answer is.
     */
    private static void checkIds(ClaimResponse claim) throws ApiException {
        try {
            Names.id("task_id", claim.taskId());
            Names.id("job_id", claim.jobId());
        } catch (IllegalArgumentException e) {
            throw new ApiException(0, "POST " + ApiPaths.CLAIM + ": protocol error in the answer: " + e.getMessage(),
                    null, null, e);
        }
    }

    /**
     * Whether the server's last claim answer said it takes {@link ClaimRequest#afterTasks} (a claim for a busy slot,
     * answered once the server has closed that slot's task): an older server refuses the unknown field.
     */
    public boolean claimsAfterTasks() {
        return claimsAfterTasks;
    }

    private static boolean listsAfterTasks(String features) {
        for (String feature : features.split(",")) {
            if (feature.strip().equals(RunnerApi.AFTER_TASKS)) {
                return true;
            }
        }
        return false;
    }

    /** A client for one claimed task, authenticated with its task token. */
    public TaskClient forTask(ClaimResponse claim) {
        return new TaskClient(transport, claim.taskId(), claim.taskToken());
    }

    static <T> T read(HttpResponse<byte[]> response, Class<T> type) throws ApiException {
        try {
            return Json.read(response.body(), type);
        } catch (IOException e) {
            // The parser's message is left out: it may quote the body, and a body may hold a token.
            throw new ApiException(response.statusCode(), response.request().method() + " "
                    + response.request().uri().getPath() + ": unreadable answer (" + response.body().length
                    + " bytes)", null, null, null);
        }
    }
}
