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
import java.util.stream.Collectors;

/**
 * CircleCI's management API (docs/protocol-openapi.yaml, "management") and Runway's scoped API tokens: reads for any
 * token the scope of which covers the namespace, changes for the admin token or an admin-scope API token.
 */
final class ManagementRoutes {
    private final Store store;
    private final Auth auth;
    private final ClaimWaiters waiters;
    private final Clock clock;

    ManagementRoutes(Store store, Auth auth, ClaimWaiters waiters, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.waiters = waiters;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("POST", ManagementApi.NAMESPACES, this::createNamespace)
                .sync("POST", ManagementApi.RESOURCE_CLASSES, this::createResourceClass)
                .sync("GET", ManagementApi.RESOURCE_CLASSES, this::listResourceClasses)
                .sync("DELETE", ManagementApi.RESOURCE_CLASSES + "/{id}", e -> deleteResourceClass(e, false))
                .sync("DELETE", ManagementApi.RESOURCE_CLASSES + "/{id}/force", e -> deleteResourceClass(e, true))
                .sync("POST", ManagementApi.TOKENS, this::createToken)
                .sync("GET", ManagementApi.TOKENS, this::listTokens)
                .sync("DELETE", ManagementApi.TOKENS + "/{id}", this::deleteToken)
                .sync("GET", ManagementApi.RUNNERS, this::listRunners)
                .sync("GET", ManagementApi.UNCLAIMED_TASKS, this::unclaimedTasks)
                .sync("GET", ManagementApi.RUNNING_TASKS, this::runningTasks)
                .sync("POST", ManagementApi.API_TOKENS, this::createApiToken)
                .sync("GET", ManagementApi.API_TOKENS, this::listApiTokens)
                .sync("DELETE", ManagementApi.API_TOKENS + "/{id}", this::deleteApiToken);
    }

    private static <T> T valid(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private Reply createNamespace(Exchange exchange) {
        auth.requireAdmin(exchange);
        ManagementApi.NamespaceCreate request = exchange.json(ManagementApi.NamespaceCreate.class, Limits.JSON_BODY);
        String name = valid(() -> Names.namespace("name", request.name()));
        if (request.orgId() == null || request.orgId().isBlank()) {
            throw ApiError.badRequest("org_id: is required");
        }
        Namespace namespace = store.management().createNamespace(name, request.orgId(), clock.millis());
        return Reply.ok(new ManagementApi.NamespaceCreated(new ManagementApi.NamespaceData(namespace.id(),
                new ManagementApi.NamespaceAttributes(namespace.name()))));
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
        if (store.management().namespace(name.namespace()).isEmpty()) {
            throw ApiError.notFound("namespace \"" + name.namespace() + "\" does not exist; create it first with "
                    + "`runway namespace create`");
        }
        String description = request.description() == null ? "" : request.description();
        if (description.length() > 1000) {
            throw ApiError.badRequest("description: is longer than 1000 characters");
        }
        ResourceClass created = store.management().createResourceClass(name.namespace(), name.name(), description,
                clock.millis());
        return Reply.ok(view(created));
    }

    private Reply listResourceClasses(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        String namespace = valid(() -> Names.namespace("namespace", exchange.query("namespace")));
        access.in(namespace);
        return Reply.ok(new ManagementApi.ResourceClassList(store.management().resourceClasses(namespace).stream()
                .map(ManagementRoutes::view).collect(Collectors.toList())));
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

    private Reply createToken(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        ManagementApi.TokenCreate request = exchange.json(ManagementApi.TokenCreate.class, Limits.JSON_BODY);
        ResourceClass rc = resourceClassNamed("resource_class", request.resourceClass());
        access.in(rc.namespace());
        if (request.nickname() == null || request.nickname().isBlank()) {
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

    private Reply listRunners(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        String resourceClass = exchange.query("resource-class");
        String namespace = exchange.query("namespace");
        if ((resourceClass == null) == (namespace == null)) {
            throw ApiError.badRequest("give exactly one of the query parameters resource-class and namespace");
        }
        List<ResourceClass> classes = resourceClass != null ? List.of(resourceClassNamed("resource-class",
                resourceClass))
                : store.management().resourceClasses(valid(() -> Names.namespace("namespace", namespace)));
        access.in(resourceClass != null ? classes.get(0).namespace() : namespace);
        java.util.Map<String, String> names = classes.stream()
                .collect(Collectors.toMap(ResourceClass::id, ResourceClass::fullName));
        return Reply.ok(new ManagementApi.RunnerList(store.runners().list(List.copyOf(names.keySet())).stream()
                .map(r -> new ManagementApi.Runner(names.get(r.resourceClassId()), r.hostname(), r.name(),
                        Times.iso(r.firstConnected()), Times.iso(r.lastConnected()), Times.iso(r.lastUsed()),
                        r.ip(), r.version()))
                .collect(Collectors.toList())));
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
