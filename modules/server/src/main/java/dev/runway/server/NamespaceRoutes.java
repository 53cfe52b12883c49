package dev.runway.server;

import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.Names;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.stream.Collectors;

/**
 * Namespaces (docs/protocol-openapi.yaml, "management"), for the admin token: create, list, get by name as CircleCI's
 * CLI does ({@code ?filter[name]=}), rename, and delete while empty.
 */
final class NamespaceRoutes {
    /** The query parameter of CircleCI's CLI for a namespace by name. */
    private static final String NAME_FILTER = "filter[name]";
    private final Store store;
    private final Auth auth;
    private final Clock clock;

    NamespaceRoutes(Store store, Auth auth, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("POST", ManagementApi.NAMESPACES, this::create)
                .sync("GET", ManagementApi.NAMESPACES, this::list)
                .sync("POST", ManagementApi.namespaceRename("{id}"), this::rename)
                .sync("DELETE", ManagementApi.namespace("{id}"), this::delete);
    }

    static ManagementApi.NamespaceData view(Namespace namespace) {
        return new ManagementApi.NamespaceData(namespace.id(), new ManagementApi.NamespaceAttributes(namespace.name(),
                namespace.organizationId(), namespace.orgId()));
    }

    private Reply create(Exchange exchange) {
        auth.requireAdmin(exchange);
        ManagementApi.NamespaceCreate request = exchange.json(ManagementApi.NamespaceCreate.class, Limits.JSON_BODY);
        String name = ManagementRoutes.valid(() -> Names.namespace("name", request.name()));
        if (request.orgId() == null || request.orgId().isBlank()) {
            throw ApiError.badRequest("org_id: is required");
        }
        Namespace namespace = store.management().createNamespace(name, request.orgId(),
                Organizations.organizationIdFor(request.orgId()), clock.millis());
        return Reply.ok(new ManagementApi.NamespaceCreated(view(namespace)));
    }

    /** Every namespace; with {@code ?filter[name]=NAME} that one alone, as CircleCI's CLI reads it. */
    private Reply list(Exchange exchange) {
        auth.requireAdmin(exchange);
        String name = exchange.query(NAME_FILTER);
        if (name == null) {
            return Reply.ok(new ManagementApi.NamespaceList(store.management().namespaces().stream()
                    .map(NamespaceRoutes::view).collect(Collectors.toList())));
        }
        return Reply.ok(new ManagementApi.NamespaceCreated(view(store.management().namespace(name).orElseThrow(
                () -> ApiError.notFound("namespace \"" + name + "\" does not exist")))));
    }

    private Namespace byId(Exchange exchange) {
        return store.management().namespaceById(exchange.path("id"))
                .orElseThrow(() -> ApiError.notFound("no namespace with id " + exchange.path("id")));
    }

    /** Renames the namespace and its resource classes; their tokens keep working under the new name. */
    private Reply rename(Exchange exchange) {
        auth.requireAdmin(exchange);
        ManagementApi.NamespaceRename request = exchange.json(ManagementApi.NamespaceRename.class, Limits.JSON_BODY);
        String name = ManagementRoutes.valid(() -> Names.namespace("name", request.name()));
        Namespace renamed = store.management().renameNamespace(byId(exchange).id(), name);
        return Reply.ok(new ManagementApi.NamespaceCreated(view(renamed)));
    }

    private Reply delete(Exchange exchange) {
        auth.requireAdmin(exchange);
        Namespace namespace = byId(exchange);
        store.management().deleteNamespace(namespace.id());
        return Reply.ok(new ManagementApi.NamespaceCreated(view(namespace)));
    }
}
