package dev.runway.server.store.jdbc;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.server.store.Claim;
import dev.runway.server.store.Job;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.RunnerVisit;
import dev.runway.server.store.Step;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Task;
import dev.runway.server.store.TaskRepository;
import dev.runway.server.store.TaskState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks and steps tables: claims, leases, step reports, and how an attempt ends. Claims are the busy path: those
 * that arrive together share one transaction of a few statements ({@link GroupCommit}), several such transactions
 * run at once where the engine locks the rows a claim takes ({@link Engine#claimLanes}), and the resource class of
 * a token is remembered ({@link TokenClasses}) instead of read per claim.
 */
final class JdbcTasks implements TaskRepository {
    private final Database db;
    private final TokenClasses tokenClasses;
    private final JdbcRunners runners;
    private final JdbcJobs jobs;
    private final GroupCommit<ClaimOrder, Optional<Claim>> claims;

    /** One claimNext call, waiting for its batch. */
    private record ClaimOrder(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil) {}

    JdbcTasks(Database db, TokenClasses tokenClasses, JdbcRunners runners, JdbcJobs jobs) {
        this.db = db;
        this.tokenClasses = tokenClasses;
        this.runners = runners;
        this.jobs = jobs;
        // one lane: batches wait for the lock that every transaction takes; more: each on a connection of its own
        this.claims = new GroupCommit<>(db.claimLanes(), db, this::claimAll);
    }

    @Override
    public Optional<Claim> claimNext(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil) {
        return claims.submit(new ClaimOrder(resourceClassId, resourceClassTokenHash, runner, taskTokenHash, now,
                leaseUntil));
    }

    /** Claims that arrived together, in one transaction: each sees the jobs the ones before it took. */
    private List<GroupCommit.Outcome<Optional<Claim>>> claimAll(List<ClaimOrder> orders) {
        Database.Work<List<GroupCommit.Outcome<Optional<Claim>>>> work = () -> claimBatch(orders);
        return db.claimLanes() > 1 ? db.laneTx(work) : db.tx(work);
    }

    /** A queued job handed to one order of the batch, as the attempt {@code taskId}. */
    private record Taken(int index, ClaimOrder order, Job job, String taskId) {
        int attempt() {
            return job.attempts() + 1;
        }
    }

    /**
     * A batch in a few statements whatever its size: per token of the batch, the token checked and the oldest queued
     * jobs of its class read (and, on a shared database, locked) in one query, then the jobs marked, the tasks
     * inserted and the runners recorded each in one round trip. Each token's orders see the jobs the ones before
     * them took.
     */
    private List<GroupCommit.Outcome<Optional<Claim>>> claimBatch(List<ClaimOrder> orders) throws SQLException {
        List<GroupCommit.Outcome<Optional<Claim>>> outcomes = new ArrayList<>(
                java.util.Collections.nCopies(orders.size(), null));
        Map<String, List<Integer>> waitingByToken = new LinkedHashMap<>();
        for (int i = 0; i < orders.size(); i++) {
            ClaimOrder order = orders.get(i);
            waitingByToken.computeIfAbsent(order.resourceClassTokenHash() + " " + order.resourceClassId(),
                    key -> new ArrayList<>()).add(i);
        }
        for (List<Integer> indexes : waitingByToken.values()) {
            ClaimOrder first = orders.get(indexes.get(0));
            Optional<List<Job>> next = nextForToken(first.resourceClassId(), first.resourceClassTokenHash(),
                    indexes.size());
            if (next.isEmpty()) {
                for (int index : indexes) {
                    outcomes.set(index, GroupCommit.Outcome.refused(new StoreRefusal(StoreRefusal.Reason.REVOKED,
                            "the resource-class token was deleted")));
                }
                continue;
            }
            List<Taken> taken = new ArrayList<>(next.get().size());
            for (int k = 0; k < indexes.size(); k++) {
                int index = indexes.get(k);
                if (k < next.get().size()) {
                    taken.add(new Taken(index, orders.get(index), next.get().get(k), TimeOrderedIds.next()));
                } else {
                    outcomes.set(index, GroupCommit.Outcome.of(Optional.empty()));
                }
            }
            if (!taken.isEmpty()) {
                record(first.resourceClassId(), taken, outcomes);
            }
        }
        return outcomes;
    }

    /**
     * The {@code limit} oldest queued jobs of the class for claims with the token {@code hash}, or empty when the
     * token does not exist any more (it may have been deleted while the claim waited); called in the claim's
     * transaction. A token this process knows is checked in memory; else the queue's read checks it too, and only a
     * short answer (the token gone, or the queue short) costs a second statement.
     */
    private Optional<List<Job>> nextForToken(String resourceClassId, String hash, int limit) throws SQLException {
        ResourceClass known = tokenClasses.get(hash);
        if (known != null) {
            return known.id().equals(resourceClassId) ? Optional.of(jobs.nextQueued(resourceClassId, limit))
                    : Optional.empty();
        }
        List<Job> next = jobs.nextQueuedWithToken(resourceClassId, hash, limit);
        if (next.size() == limit || tokenStillValid(hash, resourceClassId)) {
            return Optional.of(next);
        }
        return Optional.empty();
    }

    /** Marks the taken jobs running, inserts their tasks and records their runners; fills their outcomes. */
    private void record(String resourceClassId, List<Taken> taken,
            List<GroupCommit.Outcome<Optional<Claim>>> outcomes) throws SQLException {
        List<Object[]> marks = new ArrayList<>(taken.size());
        for (Taken one : taken) {
            marks.add(new Object[] {one.attempt(), one.taskId(), one.order().now(), one.job().id()});
        }
        int[] marked = jobs.markRunning(marks);
        List<Object[]> inserts = new ArrayList<>(taken.size());
        List<RunnerVisit> used = new ArrayList<>(taken.size());
        long now = taken.get(0).order().now();
        for (int k = 0; k < taken.size(); k++) {
            Taken one = taken.get(k);
            if (marked[k] != 1) {
                // another process claimed it between the read and this write: this order looks again alone
                outcomes.set(one.index(), GroupCommit.Outcome.of(claimOne(one.order())));
                continue;
            }
            ClaimOrder order = one.order();
            inserts.add(new Object[] {one.taskId(), one.job().id(), one.attempt(), order.taskTokenHash(),
                order.runner().name(), order.now(), order.leaseUntil()});
            used.add(order.runner());
            outcomes.set(one.index(), GroupCommit.Outcome.of(Optional.of(claimed(order, one.job(), one.taskId(),
                    one.attempt()))));
        }
        if (!inserts.isEmpty()) {
            db.batch(INSERT_TASK, inserts);
            runners.used(resourceClassId, used, now);
        }
    }

    private static final String INSERT_TASK = "INSERT INTO tasks (id, job_id, attempt, token_hash, runner_name,"
            + " state, claimed_at, lease_until) VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?)";

    /** Whether the token exists in the database (read in the claim's transaction). */
    private boolean tokenStillValid(String hash, String resourceClassId) throws SQLException {
        return db.one(row -> 1, "SELECT 1 FROM tokens WHERE hash = ? AND resource_class_id = ?", hash,
                resourceClassId).isPresent();
    }

    private Optional<Claim> claimOne(ClaimOrder order) throws SQLException {
        Optional<Job> next = jobs.nextQueued(order.resourceClassId());
        if (next.isEmpty()) {
            return Optional.empty();
        }
        Job job = next.get();
        String taskId = TimeOrderedIds.next();
        int attempt = job.attempts() + 1;
        long now = order.now();
        if (!jobs.markRunning(job.id(), attempt, taskId, now)) {
            // another process claimed it between the read and this write: look again
            return claimOne(order);
        }
        db.update(INSERT_TASK, taskId, job.id(), attempt, order.taskTokenHash(), order.runner().name(), now,
                order.leaseUntil());
        runners.visit(order.resourceClassId(), order.runner(), now, true);
        return Optional.of(claimed(order, job, taskId, attempt));
    }

    /** The rows as just written (not read back: a claim is the busy path). */
    private static Claim claimed(ClaimOrder order, Job job, String taskId, int attempt) {
        long now = order.now();
        Task task = new Task(taskId, job.id(), attempt, order.runner().name(), TaskState.RUNNING, now,
                order.leaseUntil(), null);
        Job claimed = new Job(job.id(), job.buildNum(), job.resourceClassId(), job.resourceClass(), job.name(),
                job.definition(), job.maxRunTimeSeconds(), JobState.RUNNING, job.reason(), job.cancelRequested(),
                attempt, job.requeues(), taskId, job.createdAt(), job.startedAt() != null ? job.startedAt() : now,
                job.finishedAt());
        return new Claim(task, claimed);
    }

    @Override
    public Optional<Task> findByTokenHash(String hash) {
        return db.tx(() -> db.one(Rows::task, "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE token_hash = ?",
                hash));
    }

    @Override
    public void addCheckoutCredential(String taskId, String credentialHash) {
        db.tx(() -> db.update("INSERT INTO checkout_credentials (hash, task_id) VALUES (?, ?)", credentialHash,
                taskId));
    }

    @Override
    public Optional<Task> findByCheckoutCredential(String credentialHash) {
        return db.tx(() -> db.one(Rows::task, "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE id = (SELECT task_id"
                + " FROM checkout_credentials WHERE hash = ?)", credentialHash));
    }

    @Override
    public int pruneCheckoutCredentials(long endedBefore) {
        // from the few credentials towards their tasks by key: the tasks table is never scanned
        return db.tx(() -> db.update("DELETE FROM checkout_credentials WHERE EXISTS (SELECT 1 FROM tasks t"
                + " WHERE t.id = checkout_credentials.task_id AND t.state <> 'RUNNING' AND t.finished_at < ?)",
                endedBefore));
    }

    @Override
    public Optional<Task> find(String id) {
        return db.tx(() -> byId(id));
    }

    private Optional<Task> byId(String id) throws SQLException {
        return db.one(Rows::task, "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE id = ?", id);
    }

    @Override
    public void renewLease(String taskId, long leaseUntil) {
        db.tx(() -> db.update("UPDATE tasks SET lease_until = GREATEST(lease_until, ?) WHERE id = ?"
                + " AND state = 'RUNNING'", leaseUntil, taskId));
    }

    @Override
    public void extendRunningLeases(long leaseUntil) {
        db.tx(() -> db.update("UPDATE tasks SET lease_until = GREATEST(lease_until, ?) WHERE state = 'RUNNING'",
                leaseUntil));
    }

    @Override
    public void startStep(String taskId, int index, String name, long now) {
        db.tx(() -> {
            int updated = db.update("UPDATE steps SET status = 'RUNNING', name = COALESCE(?, name),"
                    + " started_at = COALESCE(started_at, ?) WHERE task_id = ? AND idx = ? AND status = 'PENDING'",
                    name, now, taskId, index);
            if (updated == 0 && db.one(row -> 1, "SELECT 1 FROM steps WHERE task_id = ? AND idx = ?", taskId, index)
                    .isEmpty()) {
                db.update("INSERT INTO steps (task_id, idx, name, status, started_at)"
                        + " VALUES (?, ?, ?, 'RUNNING', ?)", taskId, index, name, now);
            }
            return null;
        });
    }

    @Override
    public void finishStep(String taskId, int index, String name, StepResult result) {
        db.tx(() -> {
            Object[] values = {result.status().name(), result.exitCode(), result.signal(), result.reason(),
                result.durationMillis(), result.finishedAt(), taskId, index};
            int updated = db.update("UPDATE steps SET status = ?, exit_code = ?, signal = ?, reason = ?,"
                    + " duration_ms = ?, finished_at = ? WHERE task_id = ? AND idx = ?", values);
            if (updated == 0) {
                db.update("INSERT INTO steps (status, exit_code, signal, reason, duration_ms, finished_at, task_id,"
                        + " idx, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", result.status().name(), result.exitCode(),
                        result.signal(), result.reason(), result.durationMillis(), result.finishedAt(), taskId,
                        index, name);
            }
            return null;
        });
    }

    @Override
    public List<Step> steps(String taskId) {
        return db.tx(() -> db.query(Rows::step, "SELECT * FROM steps WHERE task_id = ? ORDER BY idx", taskId));
    }

    @Override
    public void finish(String taskId, TaskState taskState, JobState jobState, String reason, long now) {
        db.tx(() -> {
            if (endRunning(taskId, taskState, now)) {
                jobs.end(taskId, jobState, reason, now);
            }
            return null;
        });
    }

    /** Ends the task if it is still running; answers whether it was. */
    private boolean endRunning(String taskId, TaskState state, long now) throws SQLException {
        return db.update("UPDATE tasks SET state = ?, finished_at = ? WHERE id = ? AND state = 'RUNNING'",
                state.name(), now, taskId) > 0;
    }

    @Override
    public void unclaim(String taskId, long now) {
        db.tx(() -> {
            if (endRunning(taskId, TaskState.UNCLAIMED, now)) {
                jobs.uncountAttempt(taskId);
                jobs.requeueOrCancel(taskId, now, null);
            }
            return null;
        });
    }

    @Override
    public List<Task> lapsed(long now) {
        return db.tx(() -> db.query(Rows::task, "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE state = 'RUNNING'"
                + " AND lease_until < ?", now));
    }

    @Override
    public Job lapse(String taskId, int maxRequeues, long now) {
        return lapseAll(List.of(taskId), maxRequeues, now).get(0);
    }

    /** Lapses per statement of a lapse's transaction: the rows read by key with one IN list each. */
    private static final int LAPSES_PER_STATEMENT = 100;

    /**
     * One commit for the lot (after a pause of many runners their lapses would each cost a commit), and a few
     * statements per up to {@link #LAPSES_PER_STATEMENT} tasks instead of six per task: the tasks and their jobs read
     * by key in one query each, the tasks ended and the jobs requeued (or failed) in one batch each, the jobs read
     * back in one query.
     */
    @Override
    public List<Job> lapseAll(List<String> taskIds, int maxRequeues, long now) {
        return db.tx(() -> {
            List<Job> lapsedJobs = new ArrayList<>(taskIds.size());
            for (int from = 0; from < taskIds.size(); from += LAPSES_PER_STATEMENT) {
                lapsedJobs.addAll(lapseBatch(taskIds.subList(from, Math.min(taskIds.size(),
                        from + LAPSES_PER_STATEMENT)), maxRequeues, now));
            }
            return lapsedJobs;
        });
    }

    private List<Job> lapseBatch(List<String> taskIds, int maxRequeues, long now) throws SQLException {
        Map<String, Task> tasks = new java.util.HashMap<>();
        for (Task task : db.query(Rows::task, "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE id IN ("
                + placeholders(taskIds.size()) + ")", taskIds.toArray())) {
            tasks.put(task.id(), task);
        }
        List<Task> running = new ArrayList<>();
        for (String taskId : taskIds) {
            Task task = tasks.get(taskId);
            if (task == null) {
                throw new IllegalStateException("no task " + taskId);
            }
            if (task.state() == TaskState.RUNNING) {
                running.add(task);
            }
        }
        if (!running.isEmpty()) {
            List<Object[]> ends = new ArrayList<>(running.size());
            running.forEach(task -> ends.add(new Object[] {now, task.id()}));
            int[] ended = db.batch("UPDATE tasks SET state = 'LAPSED', finished_at = ? WHERE id = ?"
                    + " AND state = 'RUNNING'", ends);
            Map<String, Job> jobsBefore = jobsById(running.stream().map(Task::jobId).toList());
            List<Object[]> requeues = new ArrayList<>();
            List<Object[]> failures = new ArrayList<>();
            for (int i = 0; i < running.size(); i++) {
                Task task = running.get(i);
                Job job = jobsBefore.get(task.jobId());
                if (ended[i] != 1) {
                    continue; // ended meanwhile by another process sharing the database: its job is not ours to move
                }
                if (job == null || !task.id().equals(job.taskId())) {
                    throw new IllegalStateException("the job of task " + task.id() + " is not on that attempt");
                }
                String lost = "runner \"" + task.runnerName() + "\" stopped sending heartbeats (attempt "
                        + task.attempt() + ")";
                if (job.cancelRequested() || job.requeues() < maxRequeues) {
                    requeues.add(new Object[] {now, lost + "; requeued", job.id(), task.id()});
                } else {
                    failures.add(new Object[] {now, lost + "; it was requeued " + maxRequeues
                        + " times already, giving up", job.id(), task.id()});
                }
            }
            if (!requeues.isEmpty()) {
                jobs.requeueLapsed(requeues);
            }
            if (!failures.isEmpty()) {
                db.batch("UPDATE jobs SET state = 'FAILED', finished_at = ?, reason = ? WHERE id = ? AND task_id = ?",
                        failures);
            }
        }
        Map<String, Job> jobsAfter = jobsById(taskIds.stream().map(id -> tasks.get(id).jobId()).distinct().toList());
        List<Job> result = new ArrayList<>(taskIds.size());
        for (String taskId : taskIds) {
            result.add(java.util.Objects.requireNonNull(jobsAfter.get(tasks.get(taskId).jobId()),
                    () -> "no job of task " + taskId));
        }
        return result;
    }

    /** The jobs {@code ids} (at most {@link #LAPSES_PER_STATEMENT}) by id, in one query. */
    private Map<String, Job> jobsById(List<String> ids) throws SQLException {
        Map<String, Job> byId = new java.util.HashMap<>();
        for (Job job : db.query(Rows::job, "SELECT * FROM jobs WHERE id IN (" + placeholders(ids.size()) + ")",
                ids.toArray())) {
            byId.put(job.id(), job);
        }
        return byId;
    }

    private static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** Fails the running tasks of a class being deleted, inside the caller's transaction. */
    void failRunningOfClass(String resourceClassId, long now) throws SQLException {
        db.update("UPDATE tasks SET state = 'FAILED', finished_at = ? WHERE state = 'RUNNING' AND job_id IN"
                + " (SELECT id FROM jobs WHERE resource_class_id = ?)", now, resourceClassId);
    }
}
