package dev.runway.server.store.jdbc;

import dev.runway.server.store.Context;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Variable;
import dev.runway.server.store.VariableRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The contexts, context_variables and project_variables tables; values pass through {@link SecretValues}. */
final class JdbcVariables implements VariableRepository {
    private final Database db;
    private final SecretValues values;

    JdbcVariables(Database db, SecretValues values) {
        this.db = db;
        this.values = values;
    }

    @Override
    public Context createContext(String name, long now) {
        return db.tx(() -> {
            if (db.one(row -> row.getString(1), "SELECT id FROM contexts WHERE name = ?", name).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "a context named " + name + " exists already");
            }
            Context context = new Context(UUID.randomUUID().toString(), name, now);
            db.update("INSERT INTO contexts (id, name, created_at) VALUES (?, ?, ?)", context.id(), name, now);
            return context;
        });
    }

    @Override
    public List<Context> contexts() {
        return db.tx(() -> db.query(JdbcVariables::context, "SELECT * FROM contexts ORDER BY name"));
    }

    @Override
    public Optional<Context> context(String idOrName) {
        return db.tx(() -> db.one(JdbcVariables::context, "SELECT * FROM contexts WHERE id = ? OR name = ?",
                idOrName, idOrName));
    }

    @Override
    public boolean deleteContext(String id) {
        return db.tx(() -> {
            db.update("DELETE FROM context_variables WHERE context_id = ?", id);
            return db.update("DELETE FROM contexts WHERE id = ?", id) > 0;
        });
    }

    @Override
    public Variable setContextVariable(String contextId, String name, String value, long now) {
        return set("context_variables", "context_id", contextId, name, value, now);
    }

    @Override
    public boolean deleteContextVariable(String contextId, String name) {
        return db.tx(() -> db.update("DELETE FROM context_variables WHERE context_id = ? AND name = ?", contextId,
                name) > 0);
    }

    @Override
    public List<Variable> contextVariables(String contextId) {
        return db.tx(() -> db.query(this::variable, "SELECT name, value_enc, created_at, updated_at"
                + " FROM context_variables WHERE context_id = ? ORDER BY name", contextId));
    }

    @Override
    public Variable setProjectVariable(String projectId, String name, String value, long now) {
        return set("project_variables", "project_id", projectId, name, value, now);
    }

    @Override
    public boolean deleteProjectVariable(String projectId, String name) {
        return db.tx(() -> db.update("DELETE FROM project_variables WHERE project_id = ? AND name = ?", projectId,
                name) > 0);
    }

    @Override
    public List<Variable> projectVariables(String projectId) {
        return db.tx(() -> db.query(this::variable, "SELECT name, value_enc, created_at,"
                + " created_at AS updated_at FROM project_variables WHERE project_id = ? ORDER BY name", projectId));
    }

    /** Replaces the row, keeping its creation time; {@code table} and {@code owner} are this class's constants. */
    private Variable set(String table, String owner, String ownerId, String name, String value, long now) {
        return db.tx(() -> {
            long created = db.one(row -> row.getLong(1), "SELECT created_at FROM " + table + " WHERE " + owner
                    + " = ? AND name = ?", ownerId, name).orElse(now);
            db.update("DELETE FROM " + table + " WHERE " + owner + " = ? AND name = ?", ownerId, name);
            if (table.equals("context_variables")) {
                db.update("INSERT INTO context_variables (context_id, name, value_enc, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?)", ownerId, name, values.encrypt(value), created, now);
            } else {
                db.update("INSERT INTO project_variables (project_id, name, value_enc, created_at) VALUES (?, ?, ?, ?)",
                        ownerId, name, values.encrypt(value), created);
            }
            return new Variable(name, value, created, now);
        });
    }

    private static Context context(ResultSet row) throws SQLException {
        return new Context(row.getString("id"), row.getString("name"), row.getLong("created_at"));
    }

    private Variable variable(ResultSet row) throws SQLException {
        return new Variable(row.getString("name"), values.decrypt(row.getString("value_enc")),
                row.getLong("created_at"), row.getLong("updated_at"));
    }
}
