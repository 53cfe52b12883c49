package dev.runway.server.store.jdbc;

import dev.runway.server.store.ProjectPoll;
import dev.runway.server.store.Schedule;
import dev.runway.server.store.TriggerRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The webhook_secrets, webhook_deliveries, project_polls, poll_heads, schedules and pipeline_continuations tables;
 * secrets pass through {@link SecretValues}. The claims are conditional updates: with several servers on one
 * database, the row's expected value matches for the first update only, so exactly one of them acts.
 */
final class JdbcTriggers implements TriggerRepository {
    private final Database db;
    private final SecretValues values;

    JdbcTriggers(Database db, SecretValues values) {
        this.db = db;
        this.values = values;
    }

    @Override
    public void setWebhookSecret(String projectId, String secret, long now) {
        db.tx(() -> {
            db.update("DELETE FROM webhook_secrets WHERE project_id = ?", projectId);
            return db.update("INSERT INTO webhook_secrets (project_id, value_enc, updated_at) VALUES (?, ?, ?)",
                    projectId, values.encrypt(secret), now);
        });
    }

    @Override
    public Optional<String> webhookSecret(String projectId) {
        return db.tx(() -> db.one(row -> values.decrypt(row.getString(1)),
                "SELECT value_enc FROM webhook_secrets WHERE project_id = ?", projectId));
    }

    @Override
    public boolean recordDelivery(String provider, String deliveryId, String projectId, long now) {
        return db.tx(() -> {
            if (db.one(row -> row.getString(1), "SELECT delivery_id FROM webhook_deliveries WHERE provider = ? AND"
                    + " delivery_id = ?", provider, deliveryId).isPresent()) {
                return false;
            }
            db.update("INSERT INTO webhook_deliveries (provider, delivery_id, project_id, received_at)"
                    + " VALUES (?, ?, ?, ?)", provider, deliveryId, projectId, now);
            return true;
        });
    }

    @Override
    public void deliveryCreated(String provider, String deliveryId, String pipelineId) {
        db.tx(() -> db.update("UPDATE webhook_deliveries SET pipeline_id = ? WHERE provider = ? AND delivery_id = ?",
                pipelineId, provider, deliveryId));
    }

    @Override
    public void forgetDelivery(String provider, String deliveryId) {
        db.tx(() -> db.update("DELETE FROM webhook_deliveries WHERE provider = ? AND delivery_id = ?", provider,
                deliveryId));
    }

    @Override
    public Optional<String> deliveryPipeline(String provider, String deliveryId) {
        return db.tx(() -> db.one(row -> row.getString(1), "SELECT pipeline_id FROM webhook_deliveries WHERE"
                + " provider = ? AND delivery_id = ? AND pipeline_id IS NOT NULL", provider, deliveryId));
    }

    // --- polling

    @Override
    public void setPoll(String projectId, List<String> branches, long intervalSeconds, long nextPollAt, long now) {
        db.tx(() -> {
            db.update("DELETE FROM project_polls WHERE project_id = ?", projectId);
            return db.update("INSERT INTO project_polls (project_id, branches, interval_seconds, next_poll_at,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?)", projectId, String.join(",", branches), intervalSeconds,
                    nextPollAt, now);
        });
    }

    @Override
    public boolean removePoll(String projectId) {
        return db.tx(() -> db.update("DELETE FROM project_polls WHERE project_id = ?", projectId) > 0);
    }

    @Override
    public Optional<ProjectPoll> poll(String projectId) {
        return db.tx(() -> db.one(JdbcTriggers::poll, "SELECT * FROM project_polls WHERE project_id = ?",
                projectId));
    }

    @Override
    public List<ProjectPoll> duePolls(long now) {
        return db.tx(() -> db.query(JdbcTriggers::poll, "SELECT * FROM project_polls WHERE next_poll_at <= ?"
                + " ORDER BY next_poll_at", now));
    }

    @Override
    public boolean claimPoll(String projectId, long expectedNext, long next) {
        return db.tx(() -> db.update("UPDATE project_polls SET next_poll_at = ? WHERE project_id = ? AND"
                + " next_poll_at = ?", next, projectId, expectedNext) == 1);
    }

    @Override
    public void pollDone(String projectId, long polledAt, String error) {
        db.tx(() -> db.update("UPDATE project_polls SET last_polled_at = ?, last_error = ? WHERE project_id = ?",
                polledAt, error, projectId));
    }

    @Override
    public Optional<String> pollHead(String projectId, String branch) {
        return db.tx(() -> db.one(row -> row.getString(1), "SELECT revision FROM poll_heads WHERE project_id = ?"
                + " AND branch = ?", projectId, branch));
    }

    @Override
    public void setPollHead(String projectId, String branch, String revision, String pipelineId, long now) {
        db.tx(() -> {
            db.update("DELETE FROM poll_heads WHERE project_id = ? AND branch = ?", projectId, branch);
            if (revision == null) {
                return 0;
            }
            return db.update("INSERT INTO poll_heads (project_id, branch, revision, pipeline_id, seen_at)"
                    + " VALUES (?, ?, ?, ?, ?)", projectId, branch, revision, pipelineId, now);
        });
    }

    private static ProjectPoll poll(ResultSet row) throws SQLException {
        return new ProjectPoll(row.getString("project_id"), Arrays.asList(row.getString("branches").split(",")),
                row.getLong("interval_seconds"), row.getLong("next_poll_at"), Rows.nullableLong(row,
                "last_polled_at"), row.getString("last_error"));
    }

    // --- schedules

    @Override
    public Schedule createSchedule(Schedule schedule) {
        return db.tx(() -> {
            insert(schedule);
            return schedule;
        });
    }

    private void insert(Schedule s) throws SQLException {
        db.update("INSERT INTO schedules (id, project_id, source, name, description, cron, branch, tag, workflow,"
                + " parameters, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.id(), s.projectId(), s.source(), s.name(), s.description(), s.cron(), s.branch(), s.tag(),
                s.workflow(), s.parameters(), s.nextRunAt(), s.createdAt(), s.updatedAt());
    }

    @Override
    public Optional<Schedule> schedule(String id) {
        return db.tx(() -> db.one(JdbcTriggers::schedule, "SELECT * FROM schedules WHERE id = ?", id));
    }

    @Override
    public List<Schedule> schedules(String projectId, String source) {
        return db.tx(() -> db.query(JdbcTriggers::schedule, "SELECT * FROM schedules WHERE project_id = ? AND"
                + " (? IS NULL OR source = ?) ORDER BY name, id", projectId, source, source));
    }

    @Override
    public boolean deleteSchedule(String id) {
        return db.tx(() -> db.update("DELETE FROM schedules WHERE id = ?", id) > 0);
    }

    @Override
    public List<Schedule> dueSchedules(long now) {
        return db.tx(() -> db.query(JdbcTriggers::schedule, "SELECT * FROM schedules WHERE next_run_at <= ?"
                + " ORDER BY next_run_at", now));
    }

    @Override
    public boolean claimSchedule(String id, long expectedNext, long next) {
        return db.tx(() -> db.update("UPDATE schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ?", next,
                id, expectedNext) == 1);
    }

    @Override
    public void scheduleRan(String id, long at, String pipelineId, String error) {
        db.tx(() -> db.update("UPDATE schedules SET last_run_at = ?, last_pipeline_id = ?, last_error = ? WHERE"
                + " id = ?", at, pipelineId, error, id));
    }

    @Override
    public void replaceConfigSchedules(String projectId, List<Schedule> wanted) {
        db.tx(() -> {
            List<Schedule> existing = db.query(JdbcTriggers::schedule, "SELECT * FROM schedules WHERE project_id = ?"
                    + " AND source = ?", projectId, Schedule.CONFIG);
            List<Schedule> toAdd = new ArrayList<>(wanted);
            for (Schedule old : existing) {
                Optional<Schedule> same = toAdd.stream().filter(s -> sameConfigSchedule(s, old)).findFirst();
                if (same.isPresent()) {
                    toAdd.remove(same.get());
                } else {
                    db.update("DELETE FROM schedules WHERE id = ?", old.id());
                }
            }
            for (Schedule schedule : toAdd) {
                insert(schedule);
            }
            return null;
        });
    }

    private static boolean sameConfigSchedule(Schedule a, Schedule b) {
        return a.name().equals(b.name()) && a.cron().equals(b.cron()) && Objects.equals(a.branch(), b.branch())
                && Objects.equals(a.workflow(), b.workflow());
    }

    private static Schedule schedule(ResultSet row) throws SQLException {
        return new Schedule(row.getString("id"), row.getString("project_id"), row.getString("source"),
                row.getString("name"), row.getString("description"), row.getString("cron"), row.getString("branch"),
                row.getString("tag"), row.getString("workflow"), row.getString("parameters"),
                row.getLong("next_run_at"), Rows.nullableLong(row, "last_run_at"),
                row.getString("last_pipeline_id"), row.getString("last_error"), row.getLong("created_at"),
                row.getLong("updated_at"));
    }

    // --- setup pipelines

    @Override
    public void createContinuation(String pipelineId, String key, String keyHash, long now) {
        db.tx(() -> db.update("INSERT INTO pipeline_continuations (pipeline_id, value_enc, key_hash, created_at)"
                + " VALUES (?, ?, ?, ?)", pipelineId, values.encrypt(key), keyHash, now));
    }

    @Override
    public Optional<String> continuationKey(String pipelineId) {
        return db.tx(() -> db.one(row -> values.decrypt(row.getString(1)), "SELECT value_enc FROM"
                + " pipeline_continuations WHERE pipeline_id = ? AND used_at IS NULL", pipelineId));
    }

    @Override
    public Optional<String> useContinuation(String keyHash, long now) {
        return db.tx(() -> {
            Optional<String> pipeline = db.one(row -> row.getString(1), "SELECT pipeline_id FROM"
                    + " pipeline_continuations WHERE key_hash = ? AND used_at IS NULL", keyHash);
            if (pipeline.isEmpty() || db.update("UPDATE pipeline_continuations SET used_at = ? WHERE key_hash = ?"
                    + " AND used_at IS NULL", now, keyHash) != 1) {
                return Optional.<String>empty();
            }
            return pipeline;
        });
    }

    @Override
    public boolean continued(String pipelineId) {
        return db.tx(() -> db.one(row -> row.getLong(1), "SELECT used_at FROM pipeline_continuations WHERE"
                + " pipeline_id = ? AND used_at IS NOT NULL", pipelineId).isPresent());
    }
}
