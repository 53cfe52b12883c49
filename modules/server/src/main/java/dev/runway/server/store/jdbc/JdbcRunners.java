package dev.runway.server.store.jdbc;

import dev.runway.server.store.Runner;
import dev.runway.server.store.RunnerRepository;
import dev.runway.server.store.RunnerVisit;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The runners table. */
final class JdbcRunners implements RunnerRepository {
    /** How stale a runner's "last used" may be: as its "last connected" (the server's RunnerVisits). */
    static final long USED_PRECISION_MILLIS = 5_000;
    private final Database db;
    /** When this process last wrote each runner's "last used" (key: class, name, host, address, version). */
    private final java.util.concurrent.ConcurrentMap<String, Long> usedWritten =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final GroupCommit<Touch, Void> touches;

    JdbcRunners(Database db) {
        this.db = db;
        this.touches = new GroupCommit<>(db, this::touchAll);
    }

    /** One {@link #touch}, waiting for its batch. */
    private record Touch(String resourceClassId, RunnerVisit runner, long now) {}

    /**
     * Runners that started together come back together (every few seconds each, see the server's RunnerVisits):
     * their visits share a commit.
     */
    @Override
    public void touch(String resourceClassId, RunnerVisit runner, long now) {
        touches.submit(new Touch(resourceClassId, runner, now));
    }

    private List<GroupCommit.Outcome<Void>> touchAll(List<Touch> batch) {
        return db.tx(() -> {
            List<GroupCommit.Outcome<Void>> outcomes = new ArrayList<>(batch.size());
            for (Touch touch : batch) {
                visit(touch.resourceClassId(), touch.runner(), touch.now(), false);
                outcomes.add(GroupCommit.Outcome.of(null));
            }
            return outcomes;
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
     * names, so that two transactions recording the same runners never wait for each other's rows in a cycle. A
     * runner recorded by this process less than {@link #USED_PRECISION_MILLIS} ago is not written again: a busy
     * runner claims many times a second, and its row would be the claim's costliest write.
     */
    void used(String resourceClassId, List<RunnerVisit> visitors, long now) throws SQLException {
        List<RunnerVisit> due = new ArrayList<>(visitors.size());
        for (RunnerVisit runner : visitors) {
            String key = resourceClassId + "/" + runner.name() + "/" + runner.hostname() + "/" + runner.ip() + "/"
                    + runner.version();
            Long last = usedWritten.get(key);
            if (last == null || now - last >= USED_PRECISION_MILLIS || now < last) {
                usedWritten.put(key, now);
                due.add(runner);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        due.sort(java.util.Comparator.comparing(RunnerVisit::name));
        List<Object[]> rows = new ArrayList<>(due.size());
        for (RunnerVisit runner : due) {
            rows.add(new Object[] {runner.hostname(), runner.ip(), runner.version(), now, now, resourceClassId,
                runner.name()});
        }
        int[] updated = db.batch("UPDATE runners SET hostname = ?, ip = ?, version = ?, last_connected = ?,"
                + " last_used = ? WHERE resource_class_id = ? AND name = ?", rows);
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] == 0) {
                visit(resourceClassId, due.get(i), now, true); // first seen: inserted
            }
        }
    }

    /** Forgets the runners of a class being deleted, inside the caller's transaction. */
    void forgetClass(String resourceClassId) throws SQLException {
        usedWritten.keySet().removeIf(key -> key.startsWith(resourceClassId + "/"));
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
