package dev.runway.server;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.Names;
import dev.runway.server.store.ApiToken;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.Token;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * CircleCI's management API of resource classes, tokens, runners and task counts (docs/protocol-openapi.yaml,
 * "management"), also under the v2 paths autoscalers poll, and Runway's scoped API tokens: reads for any token whose
 * scope covers the namespace, changes for the admin token or an admin-scope API token. Namespaces:
 * {@link NamespaceRoutes}.
 */
final class ManagementRoutes {
    private final Store store;
    private final Auth auth;
    private final ClaimWaiters waiters;
    private final Clock clock;
    private final Organizations organizations;
    private final DispatchPauses pauses;

    ManagementRoutes(Store store, Auth auth, ClaimWaiters waiters, DispatchPauses pauses, Clock clock) {
        this.pauses = pauses;
        this.store = store;
        this.auth = auth;
        this.waiters = waiters;
        this.clock = clock;
        this.organizations = new Organizations(store);
    }

    void register(Router router) {
        router.sync("POST", ManagementApi.RESOURCE_CLASSES, this::createResourceClass)
                .sync("GET", ManagementApi.RESOURCE_CLASSES, this::listResourceClasses)
                .sync("DELETE", ManagementApi.RESOURCE_CLASSES + "/{id}", e -> deleteResourceClass(e, false))
                .sync("DELETE", ManagementApi.RESOURCE_CLASSES + "/{id}/force", e -> deleteResourceClass(e, true))
                .sync("GET", ManagementApi.RESOURCE_CLASSES + "/{id}/dispatch", this::dispatch)
                .sync("PUT", ManagementApi.RESOURCE_CLASSES + "/{id}/dispatch", this::setDispatch)
                .sync("POST", ManagementApi.TOKENS, this::createToken)
                .sync("GET", ManagementApi.TOKENS, this::listTokens)
                .sync("DELETE", ManagementApi.TOKENS + "/{id}", this::deleteToken)
                .sync("GET", ManagementApi.RUNNERS, this::listRunners)
                .sync("GET", ManagementApi.LEGACY_RUNNERS, this::listRunners)
                .sync("GET", ManagementApi.UNCLAIMED_TASKS, this::unclaimedTasks)
                .sync("GET", ManagementApi.LEGACY_UNCLAIMED_TASKS, this::unclaimedTasks)
                .sync("GET", ManagementApi.RUNNING_TASKS, this::runningTasks)
                .sync("GET", ManagementApi.LEGACY_RUNNING_TASKS, this::runningTasks)
                .sync("POST", ManagementApi.API_TOKENS, this::createApiToken)
                .sync("GET", ManagementApi.API_TOKENS, this::listApiTokens)
                .sync("DELETE", ManagementApi.API_TOKENS + "/{id}", this::deleteApiToken);
    }

    /** Runs a naming check; its {@link IllegalArgumentException} becomes a 400 with the same message. */
    static <T> T valid(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /** The resource class named by {@code value} ({@code ns/name}); 404 when it does not exist. */
    ResourceClass resourceClassNamed(String field, String value) {
        Names.ResourceClassName name = valid(() -> Names.resourceClass(field, value));
        return store.management().resourceClassByName(name.namespace(), name.name())
                .orElseThrow(() -> ApiError.notFound("resource class \"" + name + "\" does not exist"));
    }

    private static ManagementApi.ResourceClass view(ResourceClass rc) {
        return new ManagementApi.ResourceClass(rc.id(), rc.fullName(), rc.description() == null ? ""
                : rc.description());
    }

    private Reply createResourceClass(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        ManagementApi.ResourceClassCreate request = exchange.json(ManagementApi.ResourceClassCreate.class,
                Limits.JSON_BODY);
        Names.ResourceClassName name = valid(() -> Names.resourceClass("resource_class", request.resourceClass()));
        access.in(name.namespace());
        Namespace namespace = store.management().namespace(name.namespace()).orElseThrow(() -> ApiError.notFound(
                "namespace \"" + name.namespace() + "\" does not exist; create it first with "
                        + "`runway namespace create`"));
        Organizations.requireOwner("org_id", request.orgId(), namespace);
        String description = request.description() == null ? "" : request.description();
        if (description.length() > 1000) {
            throw ApiError.badRequest("description: is longer than 1000 characters");
        }
        ResourceClass created = store.management().createResourceClass(name.namespace(), name.name(), description,
                clock.millis());
        return Reply.ok(view(created));
    }

    /** By {@code namespace}, by {@code org-id} (CircleCI's current CLI), or both (an intersection). */
    private Reply listResourceClasses(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        String orgId = exchange.query("org-id");
        String namespace = exchange.query("namespace");
        if (orgId == null || namespace == null) {
            String name = orgId == null ? namespace : organizations.namespaceOf("org-id", orgId).name();
            access.in(name);
            return Reply.ok(new ManagementApi.ResourceClassList(store.management()
                    .resourceClasses(valid(() -> Names.namespace("namespace", name))).stream()
                    .map(ManagementRoutes::view).collect(Collectors.toList())));
        }
        access.in(namespace);
        List<ResourceClass> classes = intersect(store.management().resourceClasses(valid(
                () -> Names.namespace("namespace", namespace))), classesOfOrganization(orgId));
        return Reply.ok(new ManagementApi.ResourceClassList(classes.stream().map(ManagementRoutes::view)
                .collect(Collectors.toList())));
    }

    private Reply deleteResourceClass(Exchange exchange, boolean force) {
        Auth.Access access = auth.management(exchange).write();
        ResourceClass rc = store.management().resourceClass(exchange.path("id"))
                .orElseThrow(() -> ApiError.notFound("no resource class with id " + exchange.path("id")));
        access.in(rc.namespace());
        long tokens = store.management().tokenCount(rc.id());
        if (!force && tokens > 0) {
            throw new ApiError(409, "resource class \"" + rc.fullName() + "\" still has " + tokens
                    + " token(s): delete them first, or force the deletion");
        }
        store.management().deleteResourceClass(rc.id(), force, clock.millis());
        waiters.wakeAll(rc.id());
        return Reply.ok(new ManagementApi.ResourceClass(rc.id(), rc.fullName(), rc.description()));
    }

    private ResourceClass resourceClassById(Exchange exchange) {
        return store.management().resourceClass(exchange.path("id"))
                .orElseThrow(() -> ApiError.notFound("no resource class with id " + exchange.path("id")));
    }

    /** Whether the class's claims get tasks; any management token of its namespace may ask. */
    private Reply dispatch(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        ResourceClass rc = resourceClassById(exchange);
        access.in(rc.namespace());
        return Reply.ok(new ManagementApi.Dispatch(pauses.paused(rc.id())));
    }

    /** Pauses or resumes the dispatch of the class's tasks: {"paused": true|false}. */
    private Reply setDispatch(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        ResourceClass rc = resourceClassById(exchange);
        access.in(rc.namespace());
        ManagementApi.Dispatch request = exchange.json(ManagementApi.Dispatch.class, Limits.JSON_BODY);
        pauses.set(rc.id(), request.paused());
        return Reply.ok(new ManagementApi.Dispatch(pauses.paused(rc.id())));
    }

    private Reply createToken(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        ManagementApi.TokenCreate request = exchange.json(ManagementApi.TokenCreate.class, Limits.JSON_BODY);
        ResourceClass rc = resourceClassNamed("resource_class", request.resourceClass());
        access.in(rc.namespace());
        store.management().namespace(rc.namespace())
                .ifPresent(namespace -> Organizations.requireOwner("org_id", request.orgId(), namespace));
        // empty is fine: CircleCI's CLI sends "" unless --nickname is given
        if (request.nickname() == null) {
            throw ApiError.badRequest("nickname: is required");
        }
        if (request.nickname().length() > 100) {
            throw ApiError.badRequest("nickname: is longer than 100 characters");
        }
        String secret = Tokens.generate();
        Token token = store.management().createToken(rc.id(), request.nickname(), Tokens.hash(secret), clock.millis());
        return Reply.ok(new ManagementApi.TokenCreated(token.id(), secret, rc.fullName(), token.nickname(),
                Times.iso(token.createdAt())));
    }

    private Reply listTokens(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        ResourceClass rc = resourceClassNamed("resource-class", exchange.query("resource-class"));
        access.in(rc.namespace());
        return Reply.ok(new ManagementApi.TokenList(store.management().tokens(rc.id()).stream()
                .map(t -> new ManagementApi.Token(t.id(), rc.fullName(), t.nickname(), Times.iso(t.createdAt())))
                .collect(Collectors.toList())));
    }

    private Reply deleteToken(Exchange exchange) {
        auth.requireAdmin(exchange);
        String resourceClassId = store.management().deleteToken(exchange.path("id"))
                .orElseThrow(() -> ApiError.notFound("no token with id " + exchange.path("id")));
        // held claims look at their token again and end with 401 if it was this one
        waiters.wakeAll(resourceClassId);
        return Reply.ok(new java.util.LinkedHashMap<String, Object>());
    }

    /**
     * The inventory, filtered by {@code resource-class}, {@code namespace} and {@code org-id}: at least one, and
     * together they intersect. A resource-class token may list its own class's runners, and no other's.
     */
    private Reply listRunners(Exchange exchange) {
        Optional<ResourceClass> own = auth.requireAdminOrResourceClass(exchange);
        String resourceClass = exchange.query("resource-class");
        String namespace = exchange.query("namespace");
        String orgId = exchange.query("org-id");
        if (own.isPresent() && resourceClass != null && !resourceClass.equals(own.get().fullName())) {
            throw new ApiError(403, "a resource-class token lists only the runners of its own class, "
                    + own.get().fullName());
        }
        if (own.isEmpty() && resourceClass == null && namespace == null && orgId == null) {
            throw ApiError.badRequest("give at least one of the query parameters resource-class, namespace and org-id");
        }
        List<ResourceClass> classes = own.map(List::of).orElse(null);
        if (resourceClass != null) {
            classes = intersect(classes, List.of(resourceClassNamed("resource-class", resourceClass)));
        }
        if (namespace != null) {
            classes = intersect(classes, store.management().resourceClasses(
                    valid(() -> Names.namespace("namespace", namespace))));
        }
        if (orgId != null) {
            classes = classes == null ? store.management().resourceClasses(organizations.namespaceOf("org-id", orgId)
                    .name()) : intersect(classes, classesOfOrganization(orgId));
        }
        java.util.Map<String, String> names = classes.stream()
                .collect(Collectors.toMap(ResourceClass::id, ResourceClass::fullName));
        return Reply.ok(new ManagementApi.RunnerList(store.runners().list(classes.stream().map(ResourceClass::id)
                .collect(Collectors.toList())).stream()
                .map(r -> new ManagementApi.Runner(names.get(r.resourceClassId()), r.hostname(), r.name(),
                        Times.iso(r.firstConnected()), Times.iso(r.lastConnected()), Times.iso(r.lastUsed()),
                        r.ip(), r.version()))
                .collect(Collectors.toList())));
    }

    /** The classes of the organisation's namespace; none when no namespace has it (an intersection is empty). */
    private List<ResourceClass> classesOfOrganization(String orgId) {
        return organizations.find("org-id", orgId).map(namespace -> store.management().resourceClasses(
                namespace.name())).orElse(List.of());
    }

    /** The classes of both lists ({@code so far} null: no filter yet), in the order of {@code so far}. */
    private static List<ResourceClass> intersect(List<ResourceClass> soFar, List<ResourceClass> filter) {
        if (soFar == null) {
            return filter;
        }
        java.util.Set<String> ids = filter.stream().map(ResourceClass::id).collect(Collectors.toSet());
        return soFar.stream().filter(rc -> ids.contains(rc.id())).collect(Collectors.toList());
    }

    private Reply unclaimedTasks(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        ResourceClass rc = resourceClassNamed("resource-class", exchange.query("resource-class"));
        access.in(rc.namespace());
        return Reply.ok(new ManagementApi.UnclaimedTasks(store.jobs().count(rc.id(), JobState.QUEUED)));
    }

    private Reply runningTasks(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        ResourceClass rc = resourceClassNamed("resource-class", exchange.query("resource-class"));
        access.in(rc.namespace());
        return Reply.ok(new ManagementApi.RunningTasks(store.jobs().count(rc.id(), JobState.RUNNING)));
    }

    /** A scoped API token: read (queue depth, lists, job status and output) or admin, of one namespace or all. */
    private Reply createApiToken(Exchange exchange) {
        auth.requireAdmin(exchange);
        ManagementApi.ApiTokenCreate request = exchange.json(ManagementApi.ApiTokenCreate.class, Limits.JSON_BODY);
        if (request.nickname() == null || request.nickname().isBlank()) {
            throw ApiError.badRequest("nickname: is required");
        }
        if (request.nickname().length() > 100) {
            throw ApiError.badRequest("nickname: is longer than 100 characters");
        }
        if (!ManagementApi.SCOPE_READ.equals(request.scope()) && !ManagementApi.SCOPE_ADMIN.equals(request.scope())) {
            throw ApiError.badRequest("scope: expected \"" + ManagementApi.SCOPE_READ + "\" or \""
                    + ManagementApi.SCOPE_ADMIN + "\"");
        }
        String namespace = request.namespace() == null ? null
                : valid(() -> Names.namespace("namespace", request.namespace()));
        if (namespace != null && store.management().namespace(namespace).isEmpty()) {
            throw ApiError.notFound("namespace \"" + namespace + "\" does not exist");
        }
        String secret = Tokens.generate();
        ApiToken token = store.management().createApiToken(request.nickname(), request.scope(), namespace,
                Tokens.hash(secret), clock.millis());
        return Reply.ok(new ManagementApi.ApiTokenCreated(token.id(), secret, token.nickname(), token.scope(),
                token.namespace(), Times.iso(token.createdAt())));
    }

    private Reply listApiTokens(Exchange exchange) {
        auth.requireAdmin(exchange);
        return Reply.ok(new ManagementApi.ApiTokenList(store.management().apiTokens().stream()
                .map(t -> new ManagementApi.ApiToken(t.id(), t.nickname(), t.scope(), t.namespace(),
                        Times.iso(t.createdAt())))
                .collect(Collectors.toList())));
    }

    private Reply deleteApiToken(Exchange exchange) {
        auth.requireAdmin(exchange);
        if (!store.management().deleteApiToken(exchange.path("id"))) {
            throw ApiError.notFound("no API token with id " + exchange.path("id"));
        }
        return Reply.ok(new java.util.LinkedHashMap<String, Object>());
    }
}
