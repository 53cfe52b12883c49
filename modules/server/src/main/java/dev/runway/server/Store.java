package dev.runway.server;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.StepResult;
import java.util.List;
import java.util.Optional;

/**
 * The durable state of the control plane. Each method is one transaction: when it returns, its change survives a
 * kill -9 of the server. Embedded H2 implements it ({@link H2Store}); a shared PostgreSQL could implement it later.
 * Times are epoch milliseconds. Tokens are kept only as SHA-256 hashes. Step output is not here ({@link OutputFiles}).
 */
interface Store extends AutoCloseable {

    record Namespace(String id, String name, String orgId, long createdAt) {}

    record ResourceClass(String id, String namespace, String name, String description, long createdAt) {
        String fullName() {
            return namespace + "/" + name;
        }
    }

    record Token(String id, String resourceClassId, String nickname, String hash, long createdAt) {}

    record Runner(String resourceClassId, String name, String hostname, String ip, String version,
            long firstConnected, long lastConnected, Long lastUsed) {}

    /** {@code definition}: the parsed job as JSON ({@link StoredJob}); {@code taskId}: the current attempt. */
    record Job(String id, long buildNum, String resourceClassId, String resourceClass, String name,
            String definition, long maxRunTimeSeconds, JobState state, String reason, boolean cancelRequested,
            int attempts, int requeues, String taskId, long createdAt, Long startedAt, Long finishedAt) {}

    enum TaskState { RUNNING, FINISHED, UNCLAIMED, LAPSED, FAILED }

    record Task(String id, String jobId, int attempt, String runnerName, TaskState state, long claimedAt,
            long leaseUntil, Long finishedAt) {}

    record Step(String taskId, int index, String name, StepResult result, Long startedAt) {}

    /** A runner as it describes itself when it claims, and where it called from. */
    record RunnerVisit(String name, String hostname, String ip, String version) {}

    /** A claim: the task just created and its job. */
    record Claim(Task task, Job job) {}

    Namespace createNamespace(String name, String orgId, long now);

    Optional<Namespace> namespace(String name);

    ResourceClass createResourceClass(String namespace, String name, String description, long now);

    Optional<ResourceClass> resourceClass(String id);

    Optional<ResourceClass> resourceClassByName(String namespace, String name);

    List<ResourceClass> resourceClasses(String namespace);

    /** Deletes the class (its tokens too when {@code force}), its runners; ends its open jobs. */
    void deleteResourceClass(String id, boolean force, long now);

    long tokenCount(String resourceClassId);

    Token createToken(String resourceClassId, String nickname, String hash, long now);

    List<Token> tokens(String resourceClassId);

    /** Deletes a token; answers its resource class's id, empty when there was no such token. */
    Optional<String> deleteToken(String id);

    Optional<ResourceClass> resourceClassByTokenHash(String hash);

    /** Records a runner's visit to the inventory. */
    void touchRunner(String resourceClassId, RunnerVisit runner, long now);

    List<Runner> runners(List<String> resourceClassIds);

    Job createJob(String resourceClassId, String resourceClass, String name, String definition,
            long maxRunTimeSeconds, long now);

    Optional<Job> job(String id);

    /**
     * Whether a cancel was asked for the job; empty when the job is gone. The output route asks this per chunk: an
     * implementation should answer it without reading the job's definition.
     */
    default Optional<Boolean> cancelRequested(String jobId) {
        return job(jobId).map(Job::cancelRequested);
    }

    /** Newest first; null filters match all. */
    List<Job> jobs(String resourceClassId, JobState state, int limit);

    long countJobs(String resourceClassId, JobState state);

    /**
     * Takes the oldest queued job of the class, if any, as a new running task holding {@code taskTokenHash}, and
     * records the runner as used. Refused (401) when the resource-class token is gone: it may have been deleted
     * while the claim waited.
     */
    Optional<Claim> claimNext(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil);

    Optional<Task> taskByTokenHash(String hash);

    Optional<Task> task(String id);

    void renewLease(String taskId, long leaseUntil);

    /** Gives every running task at least until {@code leaseUntil} (after a restart: runners could not reach us). */
    void extendRunningLeases(long leaseUntil);

    void startStep(String taskId, int index, String name, long now);

    void finishStep(String taskId, int index, String name, StepResult result);

    List<Step> steps(String taskId);

    /** Ends a running task and its job with {@code jobState}. */
    void finishTask(String taskId, TaskState taskState, JobState jobState, String reason, long now);

    /** Gives a running task's job back to the queue (canceled instead if a cancel was asked). */
    void unclaim(String taskId, long now);

    List<Task> lapsedTasks(long now);

    /**
     * A running task whose lease lapsed: requeues its job while it has been requeued fewer than
     * {@code maxRequeues} times, else fails it. Answers the job as it is now.
     */
    Job lapse(String taskId, int maxRequeues, long now);

    /** A queued job ends canceled at once; a running one is flagged. Answers the job as it is now. */
    Job cancel(String jobId, long now);

    @Override
    void close();
}
