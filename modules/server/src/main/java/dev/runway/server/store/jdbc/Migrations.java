package dev.runway.server.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema, versioned: the SQL files in {@code migrations/} beside this class, applied in order, each recorded in
 * {@code schema_version} in the transaction that applies it. A database opens only at the newest version this
 * server knows; a newer one (from a later release) is refused rather than misread. Rules for a new file: it is the
 * next number, it is never edited once released, its statements are IF NOT EXISTS where the SQL allows (an engine
 * that commits DDL at once may have applied part of it before a crash), and it is portable SQL: the same file serves
 * every engine.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** In order: file N is version N. */
    static final List<String> FILES = List.of("V1__initial_schema.sql", "V2__jobs_by_task.sql",
            "V3__namespace_organization_id.sql", "V4__projects_pipelines.sql", "V5__job_secrets_key.sql",
            "V6__api_tokens.sql", "V7__webhooks.sql", "V8__contexts_variables.sql",
            "V9__test_results.sql", "V10__project_ssh_keys.sql", "V11__polls_schedules.sql",
            "V12__pipeline_continuations.sql", "V13__dispatch_pauses.sql",
            "V14__workflow_auto_reruns.sql", "V15__step_output_chunks.sql",
            "V16__caches_workspaces_artifacts.sql",
            "V17__checkout_credentials.sql", "V18__periodic_runs.sql",
            "V19__jobs_found_through_tasks.sql", "V20__blob_directory_mark.sql");
    private static final String VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY,"
            + " description VARCHAR NOT NULL, applied_at BIGINT NOT NULL)";

    private Migrations() {}

    /** The newest version this server knows. */
    static int latest() {
        return FILES.size();
    }

    /** The newest version recorded in the database (0: none), inside the caller's transaction. */
    static int appliedVersion(Database db) throws SQLException {
        return db.one(row -> row.getInt(1), "SELECT MAX(version) FROM schema_version").orElse(0);
    }

    /** Brings the database to {@link #latest()}; answers the version it had before (0: none recorded). */
    static int apply(Database db, Engine engine, long now) {
        for (int round = 1; ; round++) {
            try {
                return applyOnce(db, engine, now);
            } catch (dev.runway.server.store.StoreRefusal raced) {
                // another server process sharing the database applied the same version at the same time: its
                // transaction won, this one was rolled back; look again at what is applied now
                if (round == 3) {
                    throw new IllegalStateException("database schema: " + raced.getMessage(), raced);
                }
            }
        }
    }

    private static int applyOnce(Database db, Engine engine, long now) {
        int found = db.tx(() -> {
            db.update(VERSION_TABLE);
            return appliedVersion(db);
        });
        if (found > latest()) {
            throw new IllegalStateException("the database in " + engine.describe() + " has schema version " + found
                    + ", newer than this server knows (" + latest() + "): it was written by a later release of Runway;"
                    + " run that release or a newer one");
        }
        for (int version = found + 1; version <= latest(); version++) {
            String file = FILES.get(version - 1);
            List<String> statements = statements(file);
            int applied = version;
            db.tx(() -> {
                for (String statement : statements) {
                    db.update(engine.migrationStatement(statement));
                }
                db.update("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)", applied,
                        file, now);
                return null;
            });
        }
        if (found < latest()) {
            LOG.info("database schema: version {} (was {})", latest(), found == 0 ? "none" : found);
        }
        return found;
    }

    /** The statements of a migration file: comment lines dropped, split at each {@code ;} that ends a line. */
    static List<String> statements(String file) {
        String text = Optional.ofNullable(read(file)).orElseThrow(
                () -> new IllegalStateException("migration " + file + " is missing from the server's module"));
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString());
                current.setLength(0);
            } else {
                current.append(trimmed).append(' ');
            }
        }
        if (current.length() > 0) {
            throw new IllegalStateException("migration " + file + ": the last statement does not end with ;");
        }
        return statements;
    }

    private static String read(String file) {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + file)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + file + ": " + e.getMessage(), e);
        }
    }
}
