package dev.runway.server.store.jdbc;

import dev.runway.server.store.ApiToken;
import dev.runway.server.store.ManagementRepository;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Token;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The namespaces, resource_classes and tokens tables. Deleting a class reaches into the other aggregates (its
 * runners, tasks and jobs) through their repositories, in the same transaction.
 */
final class JdbcManagement implements ManagementRepository {
    private final Database db;
    private final TokenClasses tokenClasses;
    private final JdbcRunners runners;
    private final JdbcJobs jobs;
    private final JdbcTasks tasks;

    JdbcManagement(Database db, TokenClasses tokenClasses, JdbcRunners runners, JdbcJobs jobs, JdbcTasks tasks) {
        this.db = db;
        this.tokenClasses = tokenClasses;
        this.runners = runners;
        this.jobs = jobs;
        this.tasks = tasks;
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public Namespace createNamespace(String name, String orgId, String organizationId, long now) {
        return db.tx(() -> {
            if (db.one(Rows::namespace, "SELECT * FROM namespaces WHERE name = ?", name).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "namespace \"" + name + "\" already exists");
            }
            if (db.one(Rows::namespace, "SELECT * FROM namespaces WHERE org_id = ? OR organization_id = ?", orgId,
                    organizationId).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "organization \"" + orgId
                        + "\" already has a namespace (one per organization)");
            }
            Namespace namespace = new Namespace(newId(), name, orgId, organizationId, now);
            db.update("INSERT INTO namespaces (id, name, org_id, organization_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    namespace.id(), name, orgId, organizationId, now);
            return namespace;
        });
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        return db.tx(() -> db.one(Rows::namespace, "SELECT * FROM namespaces WHERE name = ?", name));
    }

    @Override
    public Optional<Namespace> namespaceById(String id) {
        return db.tx(() -> db.one(Rows::namespace, "SELECT * FROM namespaces WHERE id = ?", id));
    }

    @Override
    public Optional<Namespace> namespaceByOrganization(String organizationId) {
        return db.tx(() -> db.one(Rows::namespace, "SELECT * FROM namespaces WHERE organization_id = ?",
                organizationId));
    }

    @Override
    public List<Namespace> namespaces() {
        return db.tx(() -> db.query(Rows::namespace, "SELECT * FROM namespaces ORDER BY name"));
    }

    @Override
    public Namespace renameNamespace(String id, String newName) {
        return db.tx(() -> {
            Namespace old = db.one(Rows::namespace, "SELECT * FROM namespaces WHERE id = ?", id).orElseThrow(
                    () -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND, "no namespace with id " + id));
            if (old.name().equals(newName)) {
                return old;
            }
            if (db.one(Rows::namespace, "SELECT * FROM namespaces WHERE name = ?", newName).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "namespace \"" + newName + "\" already exists");
            }
            List<ResourceClass> classes = db.query(Rows::resourceClass,
                    "SELECT * FROM resource_classes WHERE namespace = ?", old.name());
            db.update("UPDATE namespaces SET name = ? WHERE id = ?", newName, id);
            db.update("UPDATE resource_classes SET namespace = ? WHERE namespace = ?", newName, old.name());
            for (ResourceClass rc : classes) {
                jobs.renameClass(rc.id(), newName + "/" + rc.name());
                // tokens known here carry their class's old full name
                tokenClasses.forget(rc.id());
            }
            return new Namespace(id, newName, old.orgId(), old.organizationId(), old.createdAt());
        });
    }

    @Override
    public void deleteNamespace(String id) {
        db.tx(() -> {
            Namespace namespace = db.one(Rows::namespace, "SELECT * FROM namespaces WHERE id = ?", id).orElseThrow(
                    () -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND, "no namespace with id " + id));
            long classes = db.one(row -> row.getLong(1), "SELECT COUNT(*) FROM resource_classes WHERE namespace = ?",
                    namespace.name()).orElse(0L);
            if (classes > 0) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "namespace \"" + namespace.name()
                        + "\" still has " + classes + " resource class(es): delete them first");
            }
            db.update("DELETE FROM namespaces WHERE id = ?", id);
            return null;
        });
    }

    @Override
    public ResourceClass createResourceClass(String namespace, String name, String description, long now) {
        return db.tx(() -> {
            if (db.one(Rows::resourceClass, "SELECT * FROM resource_classes WHERE namespace = ? AND name = ?",
                    namespace, name).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "resource class \"" + namespace + "/" + name
                        + "\" already exists");
            }
            ResourceClass created = new ResourceClass(newId(), namespace, name, description, now);
            db.update("INSERT INTO resource_classes (id, namespace, name, description, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)", created.id(), namespace, name, description, now);
            return created;
        });
    }

    @Override
    public Optional<ResourceClass> resourceClass(String id) {
        return db.tx(() -> db.one(Rows::resourceClass, "SELECT * FROM resource_classes WHERE id = ?", id));
    }

    @Override
    public Optional<ResourceClass> resourceClassByName(String namespace, String name) {
        return db.tx(() -> db.one(Rows::resourceClass,
                "SELECT * FROM resource_classes WHERE namespace = ? AND name = ?", namespace, name));
    }

    @Override
    public List<ResourceClass> resourceClasses(String namespace) {
        return db.tx(() -> db.query(Rows::resourceClass,
                "SELECT * FROM resource_classes WHERE namespace = ? ORDER BY name", namespace));
    }

    @Override
    public void deleteResourceClass(String id, boolean force, long now) {
        db.tx(() -> {
            if (force) {
                db.update("DELETE FROM tokens WHERE resource_class_id = ?", id);
            }
            runners.forgetClass(id);
            tasks.failRunningOfClass(id, now);
            jobs.failOpenOfClass(id, "the resource class was deleted", now);
            db.update("DELETE FROM dispatch_pauses WHERE resource_class_id = ?", id);
            db.update("DELETE FROM resource_classes WHERE id = ?", id);
            tokenClasses.forget(id);
            return null;
        });
    }

    @Override
    public java.util.Set<String> pausedClasses() {
        return db.tx(() -> new java.util.HashSet<>(db.query(row -> row.getString(1),
                "SELECT resource_class_id FROM dispatch_pauses")));
    }

    @Override
    public void setDispatchPaused(String resourceClassId, boolean paused, long now) {
        db.tx(() -> {
            if (!paused) {
                db.update("DELETE FROM dispatch_pauses WHERE resource_class_id = ?", resourceClassId);
            } else if (db.one(row -> row.getString(1), "SELECT resource_class_id FROM dispatch_pauses WHERE"
                    + " resource_class_id = ?", resourceClassId).isEmpty()) {
                db.update("INSERT INTO dispatch_pauses (resource_class_id, paused_at) VALUES (?, ?)", resourceClassId,
                        now);
            }
            return null;
        });
    }

    @Override
    public long tokenCount(String resourceClassId) {
        return db.tx(() -> db.one(row -> row.getLong(1), "SELECT COUNT(*) FROM tokens WHERE resource_class_id = ?",
                resourceClassId).orElse(0L));
    }

    @Override
    public Token createToken(String resourceClassId, String nickname, String hash, long now) {
        return db.tx(() -> {
            Token token = new Token(newId(), resourceClassId, nickname, hash, now);
            db.update("INSERT INTO tokens (id, resource_class_id, nickname, hash, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)", token.id(), resourceClassId, nickname, hash, now);
            return token;
        });
    }

    @Override
    public List<Token> tokens(String resourceClassId) {
        return db.tx(() -> db.query(Rows::token,
                "SELECT * FROM tokens WHERE resource_class_id = ? ORDER BY created_at, id", resourceClassId));
    }

    @Override
    public Optional<String> deleteToken(String id) {
        return db.tx(() -> {
            Optional<String> resourceClassId = db.one(row -> row.getString(1),
                    "SELECT resource_class_id FROM tokens WHERE id = ?", id);
            db.update("DELETE FROM tokens WHERE id = ?", id);
            resourceClassId.ifPresent(tokenClasses::forget);
            return resourceClassId;
        });
    }

    /** On a shared database, a token verified less than {@link TokenClasses#CLAIMER_MILLIS} ago is not read again. */
    @Override
    public Optional<ResourceClass> resourceClassOfClaimer(String hash) {
        long now = System.currentTimeMillis();
        ResourceClass recent = tokenClasses.recentClaimer(hash, now);
        if (recent != null) {
            return Optional.of(recent);
        }
        Optional<ResourceClass> found = resourceClassByTokenHash(hash);
        found.ifPresent(rc -> tokenClasses.rememberClaimer(hash, rc, now));
        return found;
    }

    @Override
    public Optional<ResourceClass> resourceClassByTokenHash(String hash) {
        ResourceClass known = tokenClasses.get(hash);
        if (known != null) {
            return Optional.of(known);
        }
        return db.tx(() -> {
            Optional<ResourceClass> found = db.one(Rows::resourceClass, "SELECT rc.* FROM tokens t"
                    + " JOIN resource_classes rc ON rc.id = t.resource_class_id WHERE t.hash = ?", hash);
            // remembered under the lock that deleteToken and deleteResourceClass hold: never after a revoke
            found.ifPresent(rc -> tokenClasses.remember(hash, rc));
            return found;
        });
    }

    @Override
    public ApiToken createApiToken(String nickname, String scope, String namespace, String hash, long now) {
        return db.tx(() -> {
            ApiToken token = new ApiToken(newId(), nickname, scope, namespace, hash, now);
            db.update("INSERT INTO api_tokens (id, nickname, scope, namespace, hash, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", token.id(), nickname, scope, namespace, hash, now);
            return token;
        });
    }

    @Override
    public List<ApiToken> apiTokens() {
        return db.tx(() -> db.query(Rows::apiToken, "SELECT * FROM api_tokens ORDER BY created_at, id"));
    }

    @Override
    public boolean deleteApiToken(String id) {
        return db.tx(() -> db.update("DELETE FROM api_tokens WHERE id = ?", id) > 0);
    }

    @Override
    public Optional<ApiToken> apiTokenByHash(String hash) {
        return db.tx(() -> db.one(Rows::apiToken, "SELECT * FROM api_tokens WHERE hash = ?", hash));
    }
}
