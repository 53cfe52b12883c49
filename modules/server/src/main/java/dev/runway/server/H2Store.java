package dev.runway.server;

import dev.runway.protocol.Json;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.StepResult;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link Store} on an embedded H2 database file ({@code DATA/runway.mv.db}). One connection, one transaction per
 * method, serialised: the work per call is tiny and this keeps claims trivially race-free. {@code WRITE_DELAY=0}
 * writes every commit to the file before the call returns, so a kill -9 loses nothing that was acknowledged.
 * Claims are the busy path: those that arrive together share one transaction ({@link GroupCommit}), and the
 * resource class of a token is remembered ({@link TokenClasses}) instead of read per request.
 */
final class H2Store implements Store {
    private static final String SCHEMA = String.join("\n",
            "CREATE TABLE IF NOT EXISTS namespaces (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE,",
            "  org_id VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL);",
            "CREATE TABLE IF NOT EXISTS resource_classes (id VARCHAR PRIMARY KEY, namespace VARCHAR NOT NULL,",
            "  name VARCHAR NOT NULL, description VARCHAR, created_at BIGINT NOT NULL, UNIQUE (namespace, name));",
            "CREATE TABLE IF NOT EXISTS tokens (id VARCHAR PRIMARY KEY, resource_class_id VARCHAR NOT NULL,",
            "  nickname VARCHAR NOT NULL, hash VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL);",
            "CREATE TABLE IF NOT EXISTS runners (resource_class_id VARCHAR NOT NULL, name VARCHAR NOT NULL,",
            "  hostname VARCHAR, ip VARCHAR, version VARCHAR, first_connected BIGINT NOT NULL,",
            "  last_connected BIGINT NOT NULL, last_used BIGINT, PRIMARY KEY (resource_class_id, name));",
            "CREATE SEQUENCE IF NOT EXISTS build_numbers START WITH 1;",
            "CREATE TABLE IF NOT EXISTS jobs (id VARCHAR PRIMARY KEY, build_num BIGINT NOT NULL UNIQUE,",
            "  resource_class_id VARCHAR NOT NULL, resource_class VARCHAR NOT NULL, name VARCHAR NOT NULL,",
            "  definition CLOB NOT NULL, max_run_time_seconds BIGINT NOT NULL, state VARCHAR NOT NULL,",
            "  reason VARCHAR, cancel_requested BOOLEAN NOT NULL, attempts INT NOT NULL, requeues INT NOT NULL,",
            "  task_id VARCHAR, created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT);",
            "CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (resource_class_id, state, build_num);",
            "CREATE TABLE IF NOT EXISTS tasks (id VARCHAR PRIMARY KEY, job_id VARCHAR NOT NULL,",
            "  attempt INT NOT NULL, token_hash VARCHAR NOT NULL UNIQUE, runner_name VARCHAR NOT NULL,",
            "  state VARCHAR NOT NULL, claimed_at BIGINT NOT NULL, lease_until BIGINT NOT NULL,",
            "  finished_at BIGINT);",
            "CREATE INDEX IF NOT EXISTS tasks_lease ON tasks (state, lease_until);",
            "CREATE TABLE IF NOT EXISTS steps (task_id VARCHAR NOT NULL, idx INT NOT NULL, name VARCHAR,",
            "  status VARCHAR NOT NULL, exit_code INT, signal INT, reason VARCHAR, duration_ms BIGINT,",
            "  started_at BIGINT, finished_at VARCHAR, PRIMARY KEY (task_id, idx));");
    private static final String JOB_COLUMNS = "id, build_num, resource_class_id, resource_class, name, definition,"
            + " max_run_time_seconds, state, reason, cancel_requested, attempts, requeues, task_id, created_at,"
            + " started_at, finished_at";
    private static final String TASK_COLUMNS = "id, job_id, attempt, runner_name, state, claimed_at, lease_until,"
            + " finished_at";

    private final String url;
    private Connection connection;
    /** Set when H2 closed the database after an error: the next transaction opens it again first. */
    private boolean broken;
    private final TokenClasses tokenClasses = new TokenClasses();
    private final GroupCommit<ClaimOrder, Optional<Claim>> claims = new GroupCommit<>(this, this::claimAll);

    /** One claimNext call, waiting for its batch. */
    private record ClaimOrder(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil) {}

    private H2Store(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /** Opens (creating when needed) the database in {@code dataDir}. */
    static H2Store open(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.resolve("runway").toAbsolutePath()
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
        try {
            return new H2Store(url, connect(url));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(String url) throws SQLException {
        Connection connection = new org.h2.Driver().connect(url, new java.util.Properties());
        if (connection == null) {
            throw new IllegalStateException("H2 refused " + url);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(SCHEMA);
        }
        connection.setAutoCommit(false);
        return connection;
    }

    /**
     * H2 closes the whole database after a failed write (a full disk, found by the fault-injection suite) and never
     * opens it again by itself; a new connection opens it anew from its last commit once the disk has room.
     */
    private void reopen() {
        try {
            connection.close();
        } catch (SQLException alreadyClosed) {
            // nothing left to close
        }
        try {
            connection = connect(url);
            broken = false;
        } catch (SQLException e) {
            throw new IllegalStateException("database error: the database closed after an error and cannot be "
                    + "opened again yet: " + e.getMessage(), e);
        }
    }

    /** H2's codes for "the database has been closed" and for a failed write underneath (e.g. no space left). */
    private static boolean closesTheDatabase(Exception e) {
        return e instanceof SQLException && (((SQLException) e).getErrorCode() == 90098
                || ((SQLException) e).getErrorCode() == 50000);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} as one transaction. */
    private synchronized <T> T tx(Work<T> work) {
        if (broken) {
            reopen();
        }
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            broken = closesTheDatabase(e);
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            if (e instanceof SQLException && ((SQLException) e).getSQLState() != null
                    && ((SQLException) e).getSQLState().startsWith("23")) {
                throw new ApiError(409, "already exists or still in use: " + e.getMessage().lines().findFirst()
                        .orElse(""));
            }
            throw new IllegalStateException("database error: " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg == null) {
                statement.setNull(i + 1, Types.VARCHAR);
            } else {
                statement.setObject(i + 1, arg);
            }
        }
        return statement;
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    private <T> Optional<T> one(RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        List<T> rows = query(mapper, sql, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private static Namespace namespace(ResultSet row) throws SQLException {
        return new Namespace(row.getString("id"), row.getString("name"), row.getString("org_id"),
                row.getLong("created_at"));
    }

    private static ResourceClass resourceClass(ResultSet row) throws SQLException {
        return new ResourceClass(row.getString("id"), row.getString("namespace"), row.getString("name"),
                row.getString("description"), row.getLong("created_at"));
    }

    private static Token token(ResultSet row) throws SQLException {
        return new Token(row.getString("id"), row.getString("resource_class_id"), row.getString("nickname"),
                row.getString("hash"), row.getLong("created_at"));
    }

    private static Runner runner(ResultSet row) throws SQLException {
        return new Runner(row.getString("resource_class_id"), row.getString("name"), row.getString("hostname"),
                row.getString("ip"), row.getString("version"), row.getLong("first_connected"),
                row.getLong("last_connected"), nullableLong(row, "last_used"));
    }

    private static Job job(ResultSet row) throws SQLException {
        return new Job(row.getString("id"), row.getLong("build_num"), row.getString("resource_class_id"),
                row.getString("resource_class"), row.getString("name"), row.getString("definition"),
                row.getLong("max_run_time_seconds"), JobState.valueOf(row.getString("state")),
                row.getString("reason"), row.getBoolean("cancel_requested"), row.getInt("attempts"),
                row.getInt("requeues"), row.getString("task_id"), row.getLong("created_at"),
                nullableLong(row, "started_at"), nullableLong(row, "finished_at"));
    }

    private static Task task(ResultSet row) throws SQLException {
        return new Task(row.getString("id"), row.getString("job_id"), row.getInt("attempt"),
                row.getString("runner_name"), TaskState.valueOf(row.getString("state")), row.getLong("claimed_at"),
                row.getLong("lease_until"), nullableLong(row, "finished_at"));
    }

    private static Step step(ResultSet row) throws SQLException {
        Long duration = nullableLong(row, "duration_ms");
        StepResult result = new StepResult(
                dev.runway.protocol.RunnerApi.StepStatus.valueOf(row.getString("status")),
                nullableInt(row, "exit_code"), nullableInt(row, "signal"), row.getString("reason"),
                duration == null ? 0 : duration, row.getString("finished_at"));
        return new Step(row.getString("task_id"), row.getInt("idx"), row.getString("name"), result,
                nullableLong(row, "started_at"));
    }

    @Override
    public Namespace createNamespace(String name, String orgId, long now) {
        return tx(() -> {
            if (one(H2Store::namespace, "SELECT * FROM namespaces WHERE name = ?", name).isPresent()) {
                throw new ApiError(409, "namespace \"" + name + "\" already exists");
            }
            if (one(H2Store::namespace, "SELECT * FROM namespaces WHERE org_id = ?", orgId).isPresent()) {
                throw new ApiError(409, "organization \"" + orgId + "\" already has a namespace (one per "
                        + "organization)");
            }
            Namespace namespace = new Namespace(newId(), name, orgId, now);
            update("INSERT INTO namespaces (id, name, org_id, created_at) VALUES (?, ?, ?, ?)", namespace.id(),
                    name, orgId, now);
            return namespace;
        });
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        return tx(() -> one(H2Store::namespace, "SELECT * FROM namespaces WHERE name = ?", name));
    }

    @Override
    public ResourceClass createResourceClass(String namespace, String name, String description, long now) {
        return tx(() -> {
            if (one(H2Store::resourceClass, "SELECT * FROM resource_classes WHERE namespace = ? AND name = ?",
                    namespace, name).isPresent()) {
                throw new ApiError(409, "resource class \"" + namespace + "/" + name + "\" already exists");
            }
            ResourceClass created = new ResourceClass(newId(), namespace, name, description, now);
            update("INSERT INTO resource_classes (id, namespace, name, description, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)", created.id(), namespace, name, description, now);
            return created;
        });
    }

    @Override
    public Optional<ResourceClass> resourceClass(String id) {
        return tx(() -> one(H2Store::resourceClass, "SELECT * FROM resource_classes WHERE id = ?", id));
    }

    @Override
    public Optional<ResourceClass> resourceClassByName(String namespace, String name) {
        return tx(() -> one(H2Store::resourceClass,
                "SELECT * FROM resource_classes WHERE namespace = ? AND name = ?", namespace, name));
    }

    @Override
    public List<ResourceClass> resourceClasses(String namespace) {
        return tx(() -> query(H2Store::resourceClass,
                "SELECT * FROM resource_classes WHERE namespace = ? ORDER BY name", namespace));
    }

    @Override
    public void deleteResourceClass(String id, boolean force, long now) {
        tx(() -> {
            if (force) {
                update("DELETE FROM tokens WHERE resource_class_id = ?", id);
            }
            update("DELETE FROM runners WHERE resource_class_id = ?", id);
            String reason = "the resource class was deleted";
            update("UPDATE tasks SET state = 'FAILED', finished_at = ? WHERE state = 'RUNNING' AND job_id IN"
                    + " (SELECT id FROM jobs WHERE resource_class_id = ?)", now, id);
            update("UPDATE jobs SET state = 'FAILED', reason = ?, finished_at = ? WHERE resource_class_id = ?"
                    + " AND state IN ('QUEUED', 'RUNNING')", reason, now, id);
            update("DELETE FROM resource_classes WHERE id = ?", id);
            tokenClasses.forget(id);
            return null;
        });
    }

    @Override
    public long tokenCount(String resourceClassId) {
        return tx(() -> one(row -> row.getLong(1), "SELECT COUNT(*) FROM tokens WHERE resource_class_id = ?",
                resourceClassId).orElse(0L));
    }

    @Override
    public Token createToken(String resourceClassId, String nickname, String hash, long now) {
        return tx(() -> {
            Token token = new Token(newId(), resourceClassId, nickname, hash, now);
            update("INSERT INTO tokens (id, resource_class_id, nickname, hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    token.id(), resourceClassId, nickname, hash, now);
            return token;
        });
    }

    @Override
    public List<Token> tokens(String resourceClassId) {
        return tx(() -> query(H2Store::token,
                "SELECT * FROM tokens WHERE resource_class_id = ? ORDER BY created_at, id", resourceClassId));
    }

    @Override
    public Optional<String> deleteToken(String id) {
        return tx(() -> {
            Optional<String> resourceClassId = one(row -> row.getString(1),
                    "SELECT resource_class_id FROM tokens WHERE id = ?", id);
            update("DELETE FROM tokens WHERE id = ?", id);
            resourceClassId.ifPresent(tokenClasses::forget);
            return resourceClassId;
        });
    }

    @Override
    public Optional<ResourceClass> resourceClassByTokenHash(String hash) {
        ResourceClass known = tokenClasses.get(hash);
        if (known != null) {
            return Optional.of(known);
        }
        return tx(() -> {
            Optional<ResourceClass> found = one(H2Store::resourceClass, "SELECT rc.* FROM tokens t"
                    + " JOIN resource_classes rc ON rc.id = t.resource_class_id WHERE t.hash = ?", hash);
            // remembered under the lock that deleteToken and deleteResourceClass hold: never after a revoke
            found.ifPresent(rc -> tokenClasses.remember(hash, rc));
            return found;
        });
    }

    @Override
    public void touchRunner(String resourceClassId, RunnerVisit runner, long now) {
        tx(() -> {
            visit(resourceClassId, runner, now, false);
            return null;
        });
    }

    private void visit(String resourceClassId, RunnerVisit runner, long now, boolean used) throws SQLException {
        int updated = update("UPDATE runners SET hostname = ?, ip = ?, version = ?, last_connected = ?,"
                + " last_used = CASE WHEN ? THEN ? ELSE last_used END WHERE resource_class_id = ? AND name = ?",
                runner.hostname(), runner.ip(), runner.version(), now, used, now, resourceClassId, runner.name());
        if (updated == 0) {
            update("INSERT INTO runners (resource_class_id, name, hostname, ip, version, first_connected,"
                    + " last_connected, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", resourceClassId, runner.name(),
                    runner.hostname(), runner.ip(), runner.version(), now, now, used ? now : null);
        }
    }

    @Override
    public List<Runner> runners(List<String> resourceClassIds) {
        return tx(() -> {
            List<Runner> result = new ArrayList<>();
            for (String id : resourceClassIds) {
                result.addAll(query(H2Store::runner,
                        "SELECT * FROM runners WHERE resource_class_id = ? ORDER BY name", id));
            }
            return result;
        });
    }

    @Override
    public Job createJob(String resourceClassId, String resourceClass, String name, String definition,
            long maxRunTimeSeconds, long now) {
        return tx(() -> {
            long buildNum = one(row -> row.getLong(1), "SELECT NEXT VALUE FOR build_numbers").orElseThrow();
            String id = newId();
            update("INSERT INTO jobs (" + JOB_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, 'QUEUED', NULL, FALSE, 0, 0,"
                    + " NULL, ?, NULL, NULL)", id, buildNum, resourceClassId, resourceClass, name, definition,
                    maxRunTimeSeconds, now);
            return one(H2Store::job, "SELECT * FROM jobs WHERE id = ?", id).orElseThrow();
        });
    }

    @Override
    public Optional<Job> job(String id) {
        return tx(() -> one(H2Store::job, "SELECT * FROM jobs WHERE id = ?", id));
    }

    @Override
    public Optional<Boolean> cancelRequested(String jobId) {
        // one column by the primary key: the definition (a CLOB) stays unread
        return tx(() -> one(row -> row.getBoolean(1), "SELECT cancel_requested FROM jobs WHERE id = ?", jobId));
    }

    @Override
    public List<Job> jobs(String resourceClassId, JobState state, int limit) {
        return tx(() -> query(H2Store::job, "SELECT * FROM jobs WHERE (? IS NULL OR resource_class_id = ?)"
                + " AND (? IS NULL OR state = ?) ORDER BY build_num DESC LIMIT ?", resourceClassId, resourceClassId,
                state == null ? null : state.name(), state == null ? null : state.name(), limit));
    }

    @Override
    public long countJobs(String resourceClassId, JobState state) {
        return tx(() -> one(row -> row.getLong(1), "SELECT COUNT(*) FROM jobs WHERE resource_class_id = ?"
                + " AND state = ?", resourceClassId, state.name()).orElse(0L));
    }

    @Override
    public Optional<Claim> claimNext(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil) {
        return claims.submit(new ClaimOrder(resourceClassId, resourceClassTokenHash, runner, taskTokenHash, now,
                leaseUntil));
    }

    /** Claims that arrived together, in one transaction: each sees the jobs the ones before it took. */
    private List<GroupCommit.Outcome<Optional<Claim>>> claimAll(List<ClaimOrder> orders) {
        return tx(() -> {
            List<GroupCommit.Outcome<Optional<Claim>>> outcomes = new ArrayList<>(orders.size());
            for (ClaimOrder order : orders) {
                if (!tokenStillValid(order.resourceClassTokenHash(), order.resourceClassId())) {
                    outcomes.add(GroupCommit.Outcome.refused(new ApiError(401,
                            "the resource-class token was deleted")));
                } else {
                    outcomes.add(GroupCommit.Outcome.of(claimOne(order)));
                }
            }
            return outcomes;
        });
    }

    /** Whether the token still exists (it may have been deleted while the claim waited); called under the lock. */
    private boolean tokenStillValid(String hash, String resourceClassId) throws SQLException {
        ResourceClass known = tokenClasses.get(hash);
        if (known != null) {
            return known.id().equals(resourceClassId);
        }
        return one(row -> 1, "SELECT 1 FROM tokens WHERE hash = ? AND resource_class_id = ?", hash,
                resourceClassId).isPresent();
    }

    private Optional<Claim> claimOne(ClaimOrder order) throws SQLException {
        // ordered by all of jobs_queue's columns (the first two are fixed here) so that H2 reads the index in
        // order and stops at the first row; by build_num alone it would read and sort the whole queue per claim
        Optional<Job> next = one(H2Store::job, "SELECT * FROM jobs WHERE resource_class_id = ?"
                + " AND state = 'QUEUED' ORDER BY resource_class_id, state, build_num LIMIT 1",
                order.resourceClassId());
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Job job = next.get();
        String taskId = newId();
        int attempt = job.attempts() + 1;
        long now = order.now();
        update("INSERT INTO tasks (id, job_id, attempt, token_hash, runner_name, state, claimed_at, lease_until)"
                + " VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?)", taskId, job.id(), attempt, order.taskTokenHash(),
                order.runner().name(), now, order.leaseUntil());
        visit(order.resourceClassId(), order.runner(), now, true);
        update("UPDATE jobs SET state = 'RUNNING', attempts = ?, task_id = ?,"
                + " started_at = COALESCE(started_at, ?) WHERE id = ?", attempt, taskId, now, job.id());
        // the rows as just written (not read back: a claim is the busy path)
        Task task = new Task(taskId, job.id(), attempt, order.runner().name(), TaskState.RUNNING, now,
                order.leaseUntil(), null);
        Job claimed = new Job(job.id(), job.buildNum(), job.resourceClassId(), job.resourceClass(), job.name(),
                job.definition(), job.maxRunTimeSeconds(), JobState.RUNNING, job.reason(), job.cancelRequested(),
                attempt, job.requeues(), taskId, job.createdAt(), job.startedAt() != null ? job.startedAt() : now,
                job.finishedAt());
        return Optional.of(new Claim(task, claimed));
    }

    @Override
    public Optional<Task> taskByTokenHash(String hash) {
        return tx(() -> one(H2Store::task, "SELECT " + TASK_COLUMNS + " FROM tasks WHERE token_hash = ?", hash));
    }

    @Override
    public Optional<Task> task(String id) {
        return tx(() -> one(H2Store::task, "SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?", id));
    }

    @Override
    public void renewLease(String taskId, long leaseUntil) {
        tx(() -> update("UPDATE tasks SET lease_until = GREATEST(lease_until, ?) WHERE id = ?"
                + " AND state = 'RUNNING'", leaseUntil, taskId));
    }

    @Override
    public void extendRunningLeases(long leaseUntil) {
        tx(() -> update("UPDATE tasks SET lease_until = GREATEST(lease_until, ?) WHERE state = 'RUNNING'",
                leaseUntil));
    }

    @Override
    public void startStep(String taskId, int index, String name, long now) {
        tx(() -> {
            int updated = update("UPDATE steps SET status = 'RUNNING', name = COALESCE(?, name),"
                    + " started_at = COALESCE(started_at, ?) WHERE task_id = ? AND idx = ? AND status = 'PENDING'",
                    name, now, taskId, index);
            if (updated == 0 && one(row -> 1, "SELECT 1 FROM steps WHERE task_id = ? AND idx = ?", taskId, index)
                    .isEmpty()) {
                update("INSERT INTO steps (task_id, idx, name, status, started_at) VALUES (?, ?, ?, 'RUNNING', ?)",
                        taskId, index, name, now);
            }
            return null;
        });
    }

    @Override
    public void finishStep(String taskId, int index, String name, StepResult result) {
        tx(() -> {
            Object[] values = {result.status().name(), result.exitCode(), result.signal(), result.reason(),
                result.durationMillis(), result.finishedAt(), taskId, index};
            int updated = update("UPDATE steps SET status = ?, exit_code = ?, signal = ?, reason = ?,"
                    + " duration_ms = ?, finished_at = ? WHERE task_id = ? AND idx = ?", values);
            if (updated == 0) {
                update("INSERT INTO steps (status, exit_code, signal, reason, duration_ms, finished_at, task_id, idx,"
                        + " name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", result.status().name(), result.exitCode(),
                        result.signal(), result.reason(), result.durationMillis(), result.finishedAt(), taskId,
                        index, name);
            }
            return null;
        });
    }

    @Override
    public List<Step> steps(String taskId) {
        return tx(() -> query(H2Store::step, "SELECT * FROM steps WHERE task_id = ? ORDER BY idx", taskId));
    }

    @Override
    public void finishTask(String taskId, TaskState taskState, JobState jobState, String reason, long now) {
        tx(() -> {
            if (update("UPDATE tasks SET state = ?, finished_at = ? WHERE id = ? AND state = 'RUNNING'",
                    taskState.name(), now, taskId) > 0) {
                update("UPDATE jobs SET state = ?, reason = ?, finished_at = ? WHERE task_id = ?", jobState.name(),
                        reason, now, taskId);
            }
            return null;
        });
    }

    @Override
    public void unclaim(String taskId, long now) {
        tx(() -> {
            if (update("UPDATE tasks SET state = 'UNCLAIMED', finished_at = ? WHERE id = ? AND state = 'RUNNING'",
                    now, taskId) > 0) {
                // the attempt does not count: the runner gave the task back without running it
                update("UPDATE jobs SET attempts = attempts - 1 WHERE task_id = ?", taskId);
                requeueOrCancel(taskId, now, null);
            }
            return null;
        });
    }

    private void requeueOrCancel(String taskId, long now, String reason) throws SQLException {
        update("UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'CANCELED' ELSE 'QUEUED' END,"
                + " finished_at = CASE WHEN cancel_requested THEN ? ELSE NULL END,"
                + " reason = CASE WHEN cancel_requested THEN 'canceled' ELSE ? END WHERE task_id = ?",
                now, reason, taskId);
    }

    @Override
    public List<Task> lapsedTasks(long now) {
        return tx(() -> query(H2Store::task, "SELECT " + TASK_COLUMNS + " FROM tasks WHERE state = 'RUNNING'"
                + " AND lease_until < ?", now));
    }

    @Override
    public Job lapse(String taskId, int maxRequeues, long now) {
        return tx(() -> {
            Task task = one(H2Store::task, "SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?", taskId)
                    .orElseThrow();
            if (task.state() == TaskState.RUNNING) {
                update("UPDATE tasks SET state = 'LAPSED', finished_at = ? WHERE id = ?", now, taskId);
                Job job = one(H2Store::job, "SELECT * FROM jobs WHERE task_id = ?", taskId).orElseThrow();
                String lost = "runner \"" + task.runnerName() + "\" stopped sending heartbeats (attempt "
                        + task.attempt() + ")";
                if (job.cancelRequested() || job.requeues() < maxRequeues) {
                    update("UPDATE jobs SET requeues = requeues + CASE WHEN cancel_requested THEN 0 ELSE 1 END"
                            + " WHERE id = ?", job.id());
                    requeueOrCancel(taskId, now, lost + "; requeued");
                } else {
                    update("UPDATE jobs SET state = 'FAILED', finished_at = ?, reason = ? WHERE id = ?", now,
                            lost + "; it was requeued " + maxRequeues + " times already, giving up", job.id());
                }
            }
            return one(H2Store::job, "SELECT * FROM jobs WHERE id = ?", task.jobId()).orElseThrow();
        });
    }

    @Override
    public Job cancel(String jobId, long now) {
        return tx(() -> {
            update("UPDATE jobs SET state = 'CANCELED', reason = 'canceled before a runner claimed it',"
                    + " finished_at = ?, cancel_requested = TRUE WHERE id = ? AND state = 'QUEUED'", now, jobId);
            update("UPDATE jobs SET cancel_requested = TRUE WHERE id = ? AND state = 'RUNNING'", jobId);
            return one(H2Store::job, "SELECT * FROM jobs WHERE id = ?", jobId).orElseThrow(
                    () -> new ApiError(404, "no job " + jobId));
        });
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the database: " + e.getMessage(), e);
        }
    }
}
