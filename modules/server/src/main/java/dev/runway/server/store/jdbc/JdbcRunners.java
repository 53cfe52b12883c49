package dev.runway.server.store.jdbc;

import dev.runway.server.store.Runner;
import dev.runway.server.store.RunnerRepository;
import dev.runway.server.store.RunnerVisit;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The runners table. */
final class JdbcRunners implements RunnerRepository {
    private final Database db;

    JdbcRunners(Database db) {
        this.db = db;
    }

    @Override
    public void touch(String resourceClassId, RunnerVisit runner, long now) {
        db.tx(() -> {
            visit(resourceClassId, runner, now, false);
            return null;
        });
    }

    /** Records a visit inside the caller's transaction; {@code used}: the runner took a task. */
    void visit(String resourceClassId, RunnerVisit runner, long now, boolean used) throws SQLException {
        int updated = db.update("UPDATE runners SET hostname = ?, ip = ?, version = ?, last_connected = ?,"
                + " last_used = CASE WHEN ? THEN ? ELSE last_used END WHERE resource_class_id = ? AND name = ?",
                runner.hostname(), runner.ip(), runner.version(), now, used, now, resourceClassId, runner.name());
        if (updated == 0) {
            db.update("INSERT INTO runners (resource_class_id, name, hostname, ip, version, first_connected,"
                    + " last_connected, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", resourceClassId, runner.name(),
                    runner.hostname(), runner.ip(), runner.version(), now, now, used ? now : null);
        }
    }

    /**
     * {@link #visit} of runners that took a task, in one round trip for those already known; in the order of their
     * names, so that two transactions recording the same runners never wait for each other's rows in a cycle.
     */
    void used(String resourceClassId, List<RunnerVisit> visitors, long now) throws SQLException {
        List<RunnerVisit> sorted = new ArrayList<>(visitors);
        sorted.sort(java.util.Comparator.comparing(RunnerVisit::name));
        List<Object[]> rows = new ArrayList<>(sorted.size());
        for (RunnerVisit runner : sorted) {
            rows.add(new Object[] {runner.hostname(), runner.ip(), runner.version(), now, now, resourceClassId,
                runner.name()});
        }
        int[] updated = db.batch("UPDATE runners SET hostname = ?, ip = ?, version = ?, last_connected = ?,"
                + " last_used = ? WHERE resource_class_id = ? AND name = ?", rows);
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] == 0) {
                visit(resourceClassId, sorted.get(i), now, true); // first seen: inserted
            }
        }
    }

    /** Forgets the runners of a class being deleted, inside the caller's transaction. */
    void forgetClass(String resourceClassId) throws SQLException {
        db.update("DELETE FROM runners WHERE resource_class_id = ?", resourceClassId);
    }

    @Override
    public List<Runner> list(List<String> resourceClassIds) {
        return db.tx(() -> {
            List<Runner> result = new ArrayList<>();
            for (String id : resourceClassIds) {
                result.addAll(db.query(Rows::runner,
                        "SELECT * FROM runners WHERE resource_class_id = ? ORDER BY name", id));
            }
            return result;
        });
    }
}
