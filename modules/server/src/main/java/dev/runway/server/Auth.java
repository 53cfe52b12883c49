package dev.runway.server;

import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import dev.runway.server.store.TaskState;

/**
 * Who is calling. Three kinds of token: the admin token (management and jobs), resource-class tokens (claims of
 * their class) and task tokens (their task only, while it runs). No token or an unknown one is 401; a known token
 * used where it does not belong is 403. Only hashes are compared; no token reaches a message.
 */
final class Auth {
    private final Store store;
    private final String adminHash;

    Auth(Store store, String adminToken) {
        this.store = store;
        this.adminHash = Tokens.hash(adminToken);
    }

    /** The presented token's hash: {@code Authorization: Bearer} or CircleCI's {@code Circle-Token}. */
    private static String presentedHash(Exchange exchange) {
        String authorization = exchange.header("Authorization");
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).strip();
        } else if (exchange.header("Circle-Token") != null) {
            token = exchange.header("Circle-Token").strip();
        }
        if (token == null || token.isEmpty()) {
            throw new ApiError(401, "no token: send Authorization: Bearer <token> or Circle-Token: <token>");
        }
        return Tokens.hash(token);
    }

    /**
     * Before a request's body is read: a token the server knows (of any kind) must be presented, else 401. Answers the
     * token's hash (the key of per-token limits); which routes the token opens is each route's to check.
     */
    String requireKnownToken(Exchange exchange) {
        String hash = presentedHash(exchange);
        if (isAdmin(hash) || store.management().resourceClassByTokenHash(hash).isPresent()
                || store.tasks().findByTokenHash(hash).isPresent()) {
            return hash;
        }
        throw new ApiError(401, "unknown token");
    }

    private boolean isAdmin(String hash) {
        return Tokens.sameHash(hash, adminHash);
    }

    void requireAdmin(Exchange exchange) {
        String hash = presentedHash(exchange);
        if (isAdmin(hash)) {
            return;
        }
        if (store.management().resourceClassByTokenHash(hash).isPresent()) {
            throw new ApiError(403, "a resource-class token cannot manage the server; use the admin token");
        }
        if (store.tasks().findByTokenHash(hash).isPresent()) {
            throw new ApiError(403, "a task token cannot manage the server; use the admin token");
        }
        throw new ApiError(401, "unknown token");
    }

    /** The resource class whose token was presented, with that token's hash. */
    record RunnerIdentity(ResourceClass resourceClass, String tokenHash) {}

    RunnerIdentity requireResourceClass(Exchange exchange) {
        String hash = presentedHash(exchange);
        return store.management().resourceClassByTokenHash(hash).map(rc -> new RunnerIdentity(rc, hash))
                .orElseThrow(() -> otherKind(hash, "claims need a resource-class token"));
    }

    /**
     * The task of the presented task token, which must be {@code taskId} and still the live attempt of its job: the
     * token of a task that ended, or whose lease lapsed (another attempt may run now), opens nothing (410).
     */
    Task requireTask(Exchange exchange, String taskId) {
        String hash = presentedHash(exchange);
        Task task = store.tasks().findByTokenHash(hash)
                .orElseThrow(() -> otherKind(hash, "this call needs the task's token"));
        if (!task.id().equals(taskId)) {
            throw new ApiError(403, "this task token belongs to another task");
        }
        if (task.state() != TaskState.RUNNING) {
            throw new ApiError(410, "task " + task.id() + " is no longer running (" + ended(task) + ")");
        }
        return task;
    }

    private static String ended(Task task) {
        return switch (task.state()) {
            case LAPSED -> "its lease lapsed: no heartbeat in time";
            case UNCLAIMED -> "it was given back";
            case FAILED -> "it failed";
            default -> "it finished";
        };
    }

    private ApiError otherKind(String hash, String need) {
        if (isAdmin(hash) || store.management().resourceClassByTokenHash(hash).isPresent()
                || store.tasks().findByTokenHash(hash).isPresent()) {
            return new ApiError(403, "wrong kind of token: " + need);
        }
        return new ApiError(401, "unknown token");
    }
}
