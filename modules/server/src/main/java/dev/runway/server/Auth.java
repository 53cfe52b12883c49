package dev.runway.server;

import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Who is calling. Three kinds of token: the admin token (management and jobs), resource-class tokens (claims of
 * their class) and task tokens (their task only). No token or an unknown one is 401; a known token used where it
 * does not belong is 403. Only hashes are compared; no token reaches a message.
 */
final class Auth {
    private final Store store;
    private final String adminHash;

    Auth(Store store, String adminToken) {
        this.store = store;
        this.adminHash = Tokens.hash(adminToken);
    }

    /**
     * The presented token's hash: {@code Authorization: Bearer}, CircleCI's {@code Circle-Token}, HTTP Basic with the
     * token as the user name and an empty password (as {@code curl -u TOKEN:} sends it), or API v2's deprecated
     * {@code ?circle-token=}.
     */
    private static String presentedHash(Exchange exchange) {
        String authorization = exchange.header("Authorization");
        String token = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).strip();
        } else if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            token = basicUser(authorization.substring(6).strip());
        } else if (exchange.header("Circle-Token") != null) {
            token = exchange.header("Circle-Token").strip();
        } else if (exchange.query("circle-token") != null) {
            // CircleCI API v2's deprecated query form
            token = exchange.query("circle-token").strip();
        }
        if (token == null || token.isEmpty()) {
            throw new ApiError(401, "no token: send Authorization: Bearer <token>, Circle-Token: <token> or HTTP Basic"
                    + " with the token as user name and an empty password");
        }
        return Tokens.hash(token);
    }

    /** The user name of HTTP Basic credentials: the token; the password must be empty. */
    private static String basicUser(String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(401, "Authorization: Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || colon != decoded.length() - 1) {
            throw new ApiError(401, "Authorization: Basic takes the token as user name and an empty password"
                    + " (TOKEN:)");
        }
        return decoded.substring(0, colon);
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

    /**
     * For reads a runner may make about its own class: empty for the admin token, else the class of the presented
     * resource-class token; any other token is refused as by {@link #requireAdmin}.
     */
    Optional<ResourceClass> requireAdminOrResourceClass(Exchange exchange) {
        String hash = presentedHash(exchange);
        if (isAdmin(hash)) {
            return Optional.empty();
        }
        Optional<ResourceClass> own = store.management().resourceClassByTokenHash(hash);
        if (own.isPresent()) {
            return own;
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

    /** The task of the presented task token, which must be {@code taskId}. */
    Task requireTask(Exchange exchange, String taskId) {
        String hash = presentedHash(exchange);
        Task task = store.tasks().findByTokenHash(hash)
                .orElseThrow(() -> otherKind(hash, "this call needs the task's token"));
        if (!task.id().equals(taskId)) {
            throw new ApiError(403, "this task token belongs to another task");
        }
        return task;
    }

    private ApiError otherKind(String hash, String need) {
        if (isAdmin(hash) || store.management().resourceClassByTokenHash(hash).isPresent()
                || store.tasks().findByTokenHash(hash).isPresent()) {
            return new ApiError(403, "wrong kind of token: " + need);
        }
        return new ApiError(401, "unknown token");
    }
}
