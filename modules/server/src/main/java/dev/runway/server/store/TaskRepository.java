package dev.runway.server.store;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.StepResult;
import java.util.List;
import java.util.Optional;

/** A job's attempts: claims, leases, steps, and how an attempt ends. */
public interface TaskRepository {
    /**
     * Takes the oldest queued job of the class, if any, as a new running task holding {@code taskTokenHash}, and
     * records the runner as used. Refused ({@link StoreRefusal.Reason#REVOKED}) when the resource-class token is
     * gone: it may have been deleted while the claim waited.
     */
    Optional<Claim> claimNext(String resourceClassId, String resourceClassTokenHash, RunnerVisit runner,
            String taskTokenHash, long now, long leaseUntil);

    Optional<Task> findByTokenHash(String hash);

    /** Keeps the hash of a read credential of the task's project mirror (its checkout step's). */
    void addCheckoutCredential(String taskId, String credentialHash);

    /** The task a checkout credential was issued to, in whatever state it is now. */
    Optional<Task> findByCheckoutCredential(String credentialHash);

    /** Forgets the checkout credentials of tasks that ended before {@code endedBefore}; returns how many. */
    int pruneCheckoutCredentials(long endedBefore);

    Optional<Task> find(String id);

    void renewLease(String taskId, long leaseUntil);

    /** Gives every running task at least until {@code leaseUntil} (after a restart: runners could not reach us). */
    void extendRunningLeases(long leaseUntil);

    void startStep(String taskId, int index, String name, long now);

    void finishStep(String taskId, int index, String name, StepResult result);

    List<Step> steps(String taskId);

    /** Ends a running task and its job with {@code jobState}. */
    void finish(String taskId, TaskState taskState, JobState jobState, String reason, long now);

    /** Gives a running task's job back to the queue (canceled instead if a cancel was asked). */
    void unclaim(String taskId, long now);

    List<Task> lapsed(long now);

    /**
     * A running task whose lease lapsed: requeues its job while it has been requeued fewer than
     * {@code maxRequeues} times, else fails it. Answers the job as it is now.
     */
    Job lapse(String taskId, int maxRequeues, long now);

    /** {@link #lapse} of several tasks in one transaction (one commit); answers their jobs in the same order. */
    default List<Job> lapseAll(List<String> taskIds, int maxRequeues, long now) {
        List<Job> jobs = new java.util.ArrayList<>(taskIds.size());
        for (String taskId : taskIds) {
            jobs.add(lapse(taskId, maxRequeues, now));
        }
        return jobs;
    }
}
