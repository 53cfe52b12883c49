package dev.runway.server.store;

import dev.runway.protocol.JobsApi.JobState;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Jobs: submitted, queued, canceled, listed. Their attempts are {@link TaskRepository}'s. */
public interface JobRepository {
    /** {@code secretsKey}: the id of the key that sealed the secrets in {@code definition} (never the key). */
    Job create(String resourceClassId, String resourceClass, String name, String definition, String secretsKey,
            long maxRunTimeSeconds, long now);

    /**
     * Rewrites, in one transaction, the definition of every job whose secrets were not sealed with key
     * {@code secretsKey} (stored before secrets were sealed, or sealed with an earlier key) with what {@code reseal}
     * makes of it, and records {@code secretsKey} for them. Answers how many jobs were rewritten.
     */
    int resealSecrets(String secretsKey, UnaryOperator<String> reseal);

    Optional<Job> find(String id);

    /** The job of this number ("Job #12"): numbers are unique in the whole store, so in each namespace too. */
    Optional<Job> findByNumber(long buildNum);

    /**
     * Whether a cancel was asked for the job; empty when the job is gone. The output route asks this per chunk: an
     * implementation should answer it without reading the job's definition.
     */
    default Optional<Boolean> cancelRequested(String jobId) {
        return find(jobId).map(Job::cancelRequested);
    }

    /** Newest first; null filters match all. */
    List<Job> list(String resourceClassId, JobState state, int limit);

    long count(String resourceClassId, JobState state);

    /** Every job counted by resource class and state, in one read (the server's metrics). */
    List<JobCount> countsByClassAndState();

    /**
     * A queued job ends canceled at once; a running one is flagged. Answers the job as it is now; refused
     * ({@link StoreRefusal.Reason#NOT_FOUND}) when there is no such job.
     */
    Job cancel(String jobId, long now);
}
