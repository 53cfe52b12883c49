package dev.runway.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Wire records of the management half: CircleCI's public runner API as its open-source CLI calls it
 * (docs/protocol-openapi.yaml, "management"), same paths and field names. All lists answer {@code {"items": [...]}}.
 */
public final class ManagementApi {
    /**
     * {@code POST} create; {@code GET} lists them ({@link NamespaceList}), or with {@code ?filter[name]=NAME} answers
     * that one ({@link NamespaceCreated}, 404 when there is none); {@code DELETE /{id}}; {@code POST /{id}/rename}.
     */
    public static final String NAMESPACES = ApiPaths.BASE + "/namespaces";
    /** {@code POST} create, {@code GET ?namespace=NS} list; {@code DELETE /{id}} and {@code /{id}/force}. */
    public static final String RESOURCE_CLASSES = ApiPaths.BASE + "/runner/resource";
    /** {@code POST} create, {@code GET ?resource-class=ns/rc} list, {@code DELETE /{id}}. */
    public static final String TOKENS = ApiPaths.BASE + "/runner/token";
    /**
     * {@code GET} the runner inventory, filtered by any of {@code resource-class=ns/rc}, {@code namespace=NS} and
     * {@code org-id=UUID} (at least one; together they intersect).
     */
    public static final String RUNNERS = ApiPaths.BASE + "/runner";
    /** {@code GET ?resource-class=ns/rc}: {@link UnclaimedTasks}. */
    public static final String UNCLAIMED_TASKS = ApiPaths.BASE + "/runner/tasks";
    /** {@code GET ?resource-class=ns/rc}: {@link RunningTasks}. */
    public static final String RUNNING_TASKS = ApiPaths.BASE + "/runner/tasks/running";
    /** CircleCI's first runner API, still polled by autoscalers: the same answers as {@link #RUNNERS}. */
    public static final String LEGACY_RUNNERS = "/api/v2/runner";
    /** Legacy alias of {@link #UNCLAIMED_TASKS}. */
    public static final String LEGACY_UNCLAIMED_TASKS = "/api/v2/tasks";
    /** Legacy alias of {@link #RUNNING_TASKS}. */
    public static final String LEGACY_RUNNING_TASKS = "/api/v2/tasks/running";

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

    public static String namespace(String id) {
        return NAMESPACES + "/" + id;
    }

    public static String namespaceRename(String id) {
        return NAMESPACES + "/" + id + "/rename";
    }

    public static String apiToken(String id) {
        return API_TOKENS + "/" + id;
    }

    public static String resourceClass(String id) {
        return RESOURCE_CLASSES + "/" + id;
    }

    public static String resourceClassForce(String id) {
        return RESOURCE_CLASSES + "/" + id + "/force";
    }

    /** {@code GET} or {@code PUT} ({@link Dispatch}) whether the class's claims get tasks. */
    public static String dispatch(String id) {
        return RESOURCE_CLASSES + "/" + id + "/dispatch";
    }

    public static String token(String id) {
        return TOKENS + "/" + id;
    }

    /**
     * {@code orgId}: the organisation owning the namespace (one namespace per organisation), as its UUID (CircleCI's
     * CLI sends that) or as a VCS slug such as {@code github/acme} (the namespace then gets a new organisation id).
     */
    public record NamespaceCreate(String name, String orgId) {}

    /** {@code POST /{id}/rename}: the new name. */
    public record NamespaceRename(String name) {}

    public record NamespaceCreated(NamespaceData data) {}

    public record NamespaceList(List<NamespaceData> data) {}

    public record NamespaceData(String id, NamespaceAttributes attributes) {}

    /** {@code orgId}: the organisation id (a UUID); {@code orgSlug}: the organisation as given at creation. */
    public record NamespaceAttributes(String name, String orgId, String orgSlug) {}

    /**
     * {@code resourceClass}: {@code namespace/name}. {@code orgId} (optional, Terraform always sends it, often empty):
     * when not empty it must be the namespace's organisation.
     */
    public record ResourceClassCreate(String resourceClass, String description, String orgId) {
        public ResourceClassCreate(String resourceClass, String description) {
            this(resourceClass, description, null);
        }
    }

    public record ResourceClass(String id, String resourceClass, String description) {}

    public record ResourceClassList(List<ResourceClass> items) {}

    /** Whether claims of a resource class get tasks: a paused class's claims get none until it is resumed. */
    public record Dispatch(boolean paused) {}

    /** {@code nickname} may be empty; {@code orgId} as in {@link ResourceClassCreate}. */
    public record TokenCreate(String resourceClass, String nickname, String orgId) {
        public TokenCreate(String resourceClass, String nickname) {
            this(resourceClass, nickname, null);
        }
    }

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

    /**
     * One runner of the inventory; times are ISO-8601, {@code lastUsed} null until it claimed a task. Every field is
     * always sent, {@code null} when unknown: clients index them.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
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
