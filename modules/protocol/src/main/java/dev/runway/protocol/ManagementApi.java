package dev.runway.protocol;

import java.util.List;

/**
 * Wire records of the management half: CircleCI's public runner API as its open-source CLI calls it
 * (docs/protocol-openapi.yaml, "management"), same paths and field names. All lists answer {@code {"items": [...]}}.
 */
public final class ManagementApi {
    /** {@code POST /api/v3/namespaces}. */
    public static final String NAMESPACES = ApiPaths.BASE + "/namespaces";
    /** {@code POST} create, {@code GET ?namespace=NS} list; {@code DELETE /{id}} and {@code /{id}/force}. */
    public static final String RESOURCE_CLASSES = ApiPaths.BASE + "/runner/resource";
    /** {@code POST} create, {@code GET ?resource-class=ns/rc} list, {@code DELETE /{id}}. */
    public static final String TOKENS = ApiPaths.BASE + "/runner/token";
    /** {@code GET ?resource-class=ns/rc} or {@code ?namespace=NS} (exactly one): the runner inventory. */
    public static final String RUNNERS = ApiPaths.BASE + "/runner";
    /** {@code GET ?resource-class=ns/rc}: {@link UnclaimedTasks}. */
    public static final String UNCLAIMED_TASKS = ApiPaths.BASE + "/runner/tasks";
    /** {@code GET ?resource-class=ns/rc}: {@link RunningTasks}. */
    public static final String RUNNING_TASKS = ApiPaths.BASE + "/runner/tasks/running";

    /**
     * Runway's own: scoped API tokens. {@code POST} create, {@code GET} list, {@code DELETE /{id}} revoke; for the
     * admin token (or an admin-scope API token of all namespaces).
     */
    public static final String API_TOKENS = ApiPaths.BASE + "/api-tokens";
    /** An API token that reads (queue depth, lists, job status and output) and changes nothing. */
    public static final String SCOPE_READ = "read";
    /** An API token that may do what the admin token does (within its namespace, when it has one). */
    public static final String SCOPE_ADMIN = "admin";

    private ManagementApi() {}

    public static String apiToken(String id) {
        return API_TOKENS + "/" + id;
    }

    public static String resourceClass(String id) {
        return RESOURCE_CLASSES + "/" + id;
    }

    public static String resourceClassForce(String id) {
        return RESOURCE_CLASSES + "/" + id + "/force";
    }

    public static String token(String id) {
        return TOKENS + "/" + id;
    }

    /** {@code orgId}: the organisation owning the namespace (one namespace per organisation). */
    public record NamespaceCreate(String name, String orgId) {}

    public record NamespaceCreated(NamespaceData data) {}

    public record NamespaceData(String id, NamespaceAttributes attributes) {}

    public record NamespaceAttributes(String name) {}

    /** {@code resourceClass}: {@code namespace/name}. */
    public record ResourceClassCreate(String resourceClass, String description) {}

    public record ResourceClass(String id, String resourceClass, String description) {}

    public record ResourceClassList(List<ResourceClass> items) {}

    public record TokenCreate(String resourceClass, String nickname) {}

    /** The only answer that carries the secret: it is stored as a hash and cannot be shown again. */
    public record TokenCreated(String id, String token, String resourceClass, String nickname, String createdAt) {
        @Override
        public String toString() {
            return "TokenCreated[id=" + id + ", token=********, resourceClass=" + resourceClass + ", nickname="
                    + nickname + ", createdAt=" + createdAt + "]";
        }
    }

    public record Token(String id, String resourceClass, String nickname, String createdAt) {}

    public record TokenList(List<Token> items) {}

    /** One runner of the inventory; times are ISO-8601, {@code lastUsed} null until it claimed a task. */
    public record Runner(String resourceClass, String hostname, String name, String firstConnected,
            String lastConnected, String lastUsed, String ip, String version) {}

    public record RunnerList(List<Runner> items) {}

    public record UnclaimedTasks(long unclaimedTaskCount) {}

    public record RunningTasks(long runningRunnerTasks) {}

    /** {@code scope}: {@value #SCOPE_READ} or {@value #SCOPE_ADMIN}; {@code namespace}: null for all namespaces. */
    public record ApiTokenCreate(String nickname, String scope, String namespace) {}

    /** The only answer that carries the secret: it is stored as a hash and cannot be shown again. */
    public record ApiTokenCreated(String id, String token, String nickname, String scope, String namespace,
            String createdAt) {
        @Override
        public String toString() {
            return "ApiTokenCreated[id=" + id + ", token=********, nickname=" + nickname + ", scope=" + scope
                    + ", namespace=" + namespace + ", createdAt=" + createdAt + "]";
        }
    }

    public record ApiToken(String id, String nickname, String scope, String namespace, String createdAt) {}

    public record ApiTokenList(List<ApiToken> items) {}
}
