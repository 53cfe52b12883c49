package dev.runway.server;

import dev.runway.protocol.ManagementApi;
import dev.runway.server.store.ApiToken;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import dev.runway.server.store.TaskState;
import java.util.Optional;

/**
 * Who is calling. Four kinds of token: the admin token (management and jobs), scoped API tokens (read or admin, of
 * one namespace or all), resource-class tokens (claims of their class) and task tokens (their task only, while it
 * runs). No token or an unknown one is 401; a known token used where it does not belong is 403. Only hashes are compared; no token reaches a message.
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
        } else if (exchange.browserToken() != null) {
            // a signed-in dashboard's download link: the session's own token (ApiHandler allows it on those routes)
            token = exchange.browserToken();
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

    /**
     * Before a request's body is read: a token the server knows (of any kind) must be presented, else 401. Answers the
     * token's hash (the key of per-token limits); which routes the token opens is each route's to check.
     */
    String requireKnownToken(Exchange exchange) {
        String hash = presentedHash(exchange);
        if (known(hash)) {
            return hash;
        }
        throw new ApiError(401, "unknown token");
    }

    /** Whether the hash is of a token the server issued (any kind). */
    private boolean known(String hash) {
        return isAdmin(hash) || store.management().resourceClassByTokenHash(hash).isPresent()
                || store.tasks().findByTokenHash(hash).isPresent()
                || store.management().apiTokenByHash(hash).isPresent();
    }

    private boolean isAdmin(String hash) {
        return Tokens.sameHash(hash, adminHash);
    }

    void requireAdmin(Exchange exchange) {
        management(exchange).write().everywhere();
    }

    /** A read of every namespace's data (projects, pipelines, workflows, jobs): the admin token or any API token of all
     * namespaces, a read-only one included (the dashboard signed in with it, KEDA). */
    void requireReader(Exchange exchange) {
        management(exchange).everywhere();
    }

    /**
     * What a management or jobs call may do: everything with the admin token, what its scope allows with an API
     * token (read or admin, of one namespace or all). Runner and task tokens are 403 here, unknown ones 401.
     */
    Access management(Exchange exchange) {
        String hash = presentedHash(exchange);
        if (isAdmin(hash)) {
            return Access.ALL;
        }
        Optional<ApiToken> api = store.management().apiTokenByHash(hash);
        if (api.isPresent()) {
            return new Access(ManagementApi.SCOPE_ADMIN.equals(api.get().scope()), api.get().namespace());
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

    /** What an API token's scope allows: {@code admin} changes, else only reads; {@code namespace} null: all. */
    record Access(boolean admin, String namespace) {
        static final Access ALL = new Access(true, null);

        /** The call changes something: a read-scope token is refused. */
        Access write() {
            if (!admin) {
                throw new ApiError(403, "a read-only API token cannot change anything; use the admin token or an "
                        + "admin-scope API token");
            }
            return this;
        }

        /** The call concerns namespace {@code name}: a token of another namespace is refused. */
        Access in(String name) {
            if (namespace != null && !namespace.equals(name)) {
                throw new ApiError(403, "this API token is limited to namespace \"" + namespace + "\"");
            }
            return this;
        }

        /** The call concerns every namespace (or the server itself): a namespace's token is refused. */
        Access everywhere() {
            if (namespace != null) {
                throw new ApiError(403, "this API token is limited to namespace \"" + namespace + "\"; this call "
                        + "needs a token of all namespaces");
            }
            return this;
        }
    }

    /** The resource class whose token was presented, with that token's hash. */
    record RunnerIdentity(ResourceClass resourceClass, String tokenHash) {}

    RunnerIdentity requireResourceClass(Exchange exchange) {
        String hash = presentedHash(exchange);
        // the claim's transaction checks the token again: a short memory of verified tokens is enough here
        return store.management().resourceClassOfClaimer(hash).map(rc -> new RunnerIdentity(rc, hash))
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

    /**
     * The task of the presented checkout credential, which must be {@code taskId}'s and the task still running: a
     * credential opens its task's project mirror for reading while that attempt lives, nothing else (task tokens and
     * every other kind are 401 here, as a checkout credential is everywhere else).
     */
    Task checkoutTask(Exchange exchange, String taskId) {
        Task task = store.tasks().findByCheckoutCredential(presentedHash(exchange))
                .orElseThrow(() -> new ApiError(401, "this call needs the task's checkout credential"));
        if (!task.id().equals(taskId)) {
            throw new ApiError(403, "this checkout credential belongs to another task");
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
        if (known(hash)) {
            return new ApiError(403, "wrong kind of token: " + need);
        }
        return new ApiError(401, "unknown token");
    }
}
