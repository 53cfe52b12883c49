package dev.runway.server.store.jdbc;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.server.store.Job;
import dev.runway.server.store.JobCount;
import dev.runway.server.store.JobRepository;
import dev.runway.server.store.StoreRefusal;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The jobs table and the build-number sequence. The package-private methods change a job inside the transaction of
 * a task's claim, end or lapse ({@link JdbcTasks}) or of a class's deletion ({@link JdbcManagement}).
 */
final class JdbcJobs implements JobRepository {
    private final Database db;

    JdbcJobs(Database db) {
        this.db = db;
    }

    @Override
    public Job create(String resourceClassId, String resourceClass, String name, String definition,
            String secretsKey, long maxRunTimeSeconds, long now) {
        return db.tx(() -> insert(resourceClassId, resourceClass, name, definition, secretsKey, maxRunTimeSeconds,
                now));
    }

    /**
     * A new queued job, inside the caller's transaction (a pipeline queues a workflow job's nodes in one);
     * {@code secretsKey} null when its definition holds no sealed secrets.
     */
    Job insert(String resourceClassId, String resourceClass, String name, String definition, String secretsKey,
            long maxRunTimeSeconds, long now) throws SQLException {
        long buildNum = db.one(row -> row.getLong(1), "SELECT nextval('build_numbers')").orElseThrow();
        String id = TimeOrderedIds.next(); // claims mark jobs in queue order: their rows share index pages
        db.update("INSERT INTO jobs (" + Rows.JOB_COLUMNS + ", secrets_key) VALUES (?, ?, ?, ?, ?, ?, ?, 'QUEUED',"
                + " NULL, FALSE, 0, 0, NULL, ?, NULL, NULL, ?)", id, buildNum, resourceClassId, resourceClass,
                name, definition, maxRunTimeSeconds, now, secretsKey);
        return byId(id).orElseThrow();
    }

    @Override
    public int resealSecrets(String secretsKey, UnaryOperator<String> reseal) {
        return db.tx(() -> {
            List<String[]> stale = db.query(row -> new String[] {row.getString(1), row.getString(2)},
                    "SELECT id, definition FROM jobs WHERE secrets_key IS NULL OR secrets_key <> ?", secretsKey);
            for (String[] job : stale) {
                db.update("UPDATE jobs SET definition = ?, secrets_key = ? WHERE id = ?", reseal.apply(job[1]),
                        secretsKey, job[0]);
            }
            return stale.size();
        });
    }

    @Override
    public Optional<Job> find(String id) {
        return db.tx(() -> byId(id));
    }

    @Override
    public Optional<Job> findByNumber(long buildNum) {
        return db.tx(() -> db.one(Rows::job, "SELECT * FROM jobs WHERE build_num = ?", buildNum));
    }

    Optional<Job> byId(String id) throws SQLException {
        return db.one(Rows::job, "SELECT * FROM jobs WHERE id = ?", id);
    }

    @Override
    public Optional<Boolean> cancelRequested(String jobId) {
        // one column by the primary key: the definition (a CLOB) stays unread
        return db.tx(() -> db.one(row -> row.getBoolean(1), "SELECT cancel_requested FROM jobs WHERE id = ?",
                jobId));
    }

    @Override
    public List<Job> list(String resourceClassId, JobState state, int limit) {
        // a parameter only tested for NULL has no type of its own: PostgreSQL needs the CAST to know one
        return db.tx(() -> db.query(Rows::job, "SELECT * FROM jobs WHERE (CAST(? AS VARCHAR) IS NULL"
                + " OR resource_class_id = ?) AND (CAST(? AS VARCHAR) IS NULL OR state = ?) ORDER BY build_num DESC"
                + " LIMIT ?", resourceClassId, resourceClassId, state == null ? null : state.name(),
                state == null ? null : state.name(), limit));
    }

    @Override
    public long count(String resourceClassId, JobState state) {
        return db.tx(() -> db.one(row -> row.getLong(1), "SELECT COUNT(*) FROM jobs WHERE resource_class_id = ?"
                + " AND state = ?", resourceClassId, state.name()).orElse(0L));
    }

    @Override
    public List<JobCount> countsByClassAndState() {
        return db.tx(() -> db.query(row -> new JobCount(row.getString(1), JobState.valueOf(row.getString(2)),
                row.getLong(3), row.getLong(4)), "SELECT resource_class, state, COUNT(*), MIN(created_at) FROM jobs"
                + " GROUP BY resource_class, state"));
    }

    @Override
    public Job cancel(String jobId, long now) {
        return db.tx(() -> {
            db.update("UPDATE jobs SET state = 'CANCELED', reason = 'canceled before a runner claimed it',"
                    + " finished_at = ?, cancel_requested = TRUE WHERE id = ? AND state = 'QUEUED'", now, jobId);
            db.update("UPDATE jobs SET cancel_requested = TRUE WHERE id = ? AND state = 'RUNNING'", jobId);
            return byId(jobId).orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND, "no job " + jobId));
        });
    }

    /** The oldest queued job of the class. */
    Optional<Job> nextQueued(String resourceClassId) throws SQLException {
        List<Job> next = nextQueued(resourceClassId, 1);
        return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0));
    }

    /** The {@code limit} oldest queued jobs of the class (fewer when fewer are queued), oldest first. */
    List<Job> nextQueued(String resourceClassId, int limit) throws SQLException {
        return db.query(Rows::job, "SELECT * FROM jobs WHERE resource_class_id = ?" + QUEUE_ORDER + db.claimLock(),
                resourceClassId, limit);
    }

    /**
     * Ordered by all of jobs_queue's columns (the first two are fixed here) so that H2 reads the index in order and
     * stops at the limit; by build_num alone it would read and sort the whole queue per claim.
     */
    private static final String QUEUE_ORDER = " AND state = 'QUEUED' ORDER BY resource_class_id, state, build_num"
            + " LIMIT ?";

    /**
     * {@link #nextQueued(String, int)} only while the resource-class token {@code tokenHash} of that class exists:
     * none when it was deleted. A claim checks its token and reads the queue in one statement (one round trip to a
     * shared database); fewer than {@code limit} jobs leave open which of the two ran short.
     */
    List<Job> nextQueuedWithToken(String resourceClassId, String tokenHash, int limit) throws SQLException {
        // claimLock: claimers of other server processes (and other claim lanes) skip the rows this one took
        return db.query(Rows::job, "SELECT * FROM jobs WHERE resource_class_id = ? AND EXISTS (SELECT 1 FROM tokens"
                + " WHERE hash = ? AND resource_class_id = ?)" + QUEUE_ORDER + db.claimLock(), resourceClassId,
                tokenHash, resourceClassId, limit);
    }

    /**
     * The condition "the job whose current attempt is {@code task_id}", for a statement with two parameters, the task's
     * id twice: the job is found by its primary key through the task's own row, so that no index on jobs.task_id is
     * kept up to date by every claim (V19).
     */
    private static final String OF_TASK = " WHERE id = (SELECT job_id FROM tasks WHERE id = ?) AND task_id = ?";

    /**
     * Marks a queued job running; answers false when it is not queued any more. The condition makes a claim correct
     * even where no row lock was taken: of two claimers that read the same job, the second changes nothing.
     */
    boolean markRunning(String jobId, int attempt, String taskId, long now) throws SQLException {
        return markRunning(List.<Object[]>of(new Object[] {attempt, taskId, now, jobId}))[0] == 1;
    }

    /**
     * {@link #markRunning(String, int, String, long)} for several jobs in one round trip: each row is {@code
     * attempt, taskId, now, jobId}; answers each one's changed rows (1: marked, 0: not queued any more).
     */
    int[] markRunning(List<Object[]> rows) throws SQLException {
        return db.batch("UPDATE jobs SET state = 'RUNNING', attempts = ?, task_id = ?,"
                + " started_at = COALESCE(started_at, ?) WHERE id = ? AND state = 'QUEUED'", rows);
    }

    /** Ends the job of the attempt {@code taskId}. */
    void end(String taskId, JobState state, String reason, long now) throws SQLException {
        db.update("UPDATE jobs SET state = ?, reason = ?, finished_at = ?" + OF_TASK, state.name(), reason, now,
                taskId, taskId);
    }

    /** The attempt {@code taskId} does not count: its runner gave it back without running it. */
    void uncountAttempt(String taskId) throws SQLException {
        db.update("UPDATE jobs SET attempts = attempts - 1" + OF_TASK, taskId, taskId);
    }

    /** The job of the attempt {@code taskId} goes back to the queue, or ends canceled when a cancel was asked. */
    void requeueOrCancel(String taskId, long now, String reason) throws SQLException {
        db.update("UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'CANCELED' ELSE 'QUEUED' END,"
                + " finished_at = CASE WHEN cancel_requested THEN ? ELSE NULL END,"
                + " reason = CASE WHEN cancel_requested THEN 'canceled' ELSE ? END" + OF_TASK, now, reason, taskId,
                taskId);
    }

    /**
     * The jobs of lapsed attempts back to the queue with their requeue counted, or ended canceled when a cancel was
     * asked (as {@link #requeueOrCancel}), in one round trip: each row is {@code now, reason, jobId, taskId}.
     */
    void requeueLapsed(List<Object[]> rows) throws SQLException {
        db.batch("UPDATE jobs SET requeues = requeues + CASE WHEN cancel_requested THEN 0 ELSE 1 END,"
                + " state = CASE WHEN cancel_requested THEN 'CANCELED' ELSE 'QUEUED' END,"
                + " finished_at = CASE WHEN cancel_requested THEN ? ELSE NULL END,"
                + " reason = CASE WHEN cancel_requested THEN 'canceled' ELSE ? END WHERE id = ? AND task_id = ?", rows);
    }

    /** Fails the queued and running jobs of a class being deleted. */
    void failOpenOfClass(String resourceClassId, String reason, long now) throws SQLException {
        db.update("UPDATE jobs SET state = 'FAILED', reason = ?, finished_at = ? WHERE resource_class_id = ?"
                + " AND state IN ('QUEUED', 'RUNNING')", reason, now, resourceClassId);
    }

    /** Gives the jobs of a class the class's new name (its namespace was renamed), inside the caller's transaction. */
    void renameClass(String resourceClassId, String fullName) throws SQLException {
        db.update("UPDATE jobs SET resource_class = ? WHERE resource_class_id = ?", fullName, resourceClassId);
    }
}
