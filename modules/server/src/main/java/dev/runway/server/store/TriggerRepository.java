package dev.runway.server.store;

import java.util.List;
import java.util.Optional;

/**
 * What triggers need kept: each project's webhook secret (recoverable, since an HMAC is checked with the secret
 * itself; encrypted at rest by the implementation) and the deliveries received, so that a redelivered webhook
 * creates nothing new; polled branches and the heads seen on them; schedules; setup pipelines' continuation keys.
 * A {@code claim...} method is a conditional update that at most one caller (of any server sharing the database)
 * wins for a given expected value.
 */
public interface TriggerRepository {
    /** Sets (or replaces) the project's webhook secret. */
    void setWebhookSecret(String projectId, String secret, long now);

    /** The project's webhook secret in clear, or empty when none was set. */
    Optional<String> webhookSecret(String projectId);

    /**
     * Records a delivery before it is acted on; false (and nothing changed) when this provider's delivery id was
     * recorded already, which makes a redelivery a no-op even when two arrive at once.
     */
    boolean recordDelivery(String provider, String deliveryId, String projectId, long now);

    /** The pipeline a recorded delivery created. */
    void deliveryCreated(String provider, String deliveryId, String pipelineId);

    /** Forgets a delivery whose trigger failed, so that the provider's redelivery can try again. */
    void forgetDelivery(String provider, String deliveryId);

    /** The pipeline a delivery created, if it was recorded and created one. */
    Optional<String> deliveryPipeline(String provider, String deliveryId);

    // --- polling

    /** Sets (or replaces) the project's polled branches; the first poll is due at {@code nextPollAt}. */
    void setPoll(String projectId, List<String> branches, long intervalSeconds, long nextPollAt, long now);

    /** Stops polling the project (its seen heads are kept); false when it was not polled. */
    boolean removePoll(String projectId);

    Optional<ProjectPoll> poll(String projectId);

    /** Polls due at {@code now}, oldest due first. */
    List<ProjectPoll> duePolls(long now);

    /** Moves a due poll from {@code expectedNext} to {@code next}; true for the one caller that did it. */
    boolean claimPoll(String projectId, long expectedNext, long next);

    /** Records the outcome of a poll ({@code error} null: it succeeded). */
    void pollDone(String projectId, long polledAt, String error);

    /** The head commit last seen on a polled branch. */
    Optional<String> pollHead(String projectId, String branch);

    /** Records the head seen on a polled branch and the pipeline it created (null: none); revision null forgets it. */
    void setPollHead(String projectId, String branch, String revision, String pipelineId, long now);

    // --- schedules

    Schedule createSchedule(Schedule schedule);

    Optional<Schedule> schedule(String id);

    /** The project's schedules ({@code source} null: all), by name. */
    List<Schedule> schedules(String projectId, String source);

    boolean deleteSchedule(String id);

    /** Schedules due at {@code now}, oldest due first. */
    List<Schedule> dueSchedules(long now);

    /** Moves a due schedule from {@code expectedNext} to {@code next}; true for the one caller that did it. */
    boolean claimSchedule(String id, long expectedNext, long next);

    /** Records a run: the pipeline it created, or the error that stopped it. */
    void scheduleRan(String id, long at, String pipelineId, String error);

    /**
     * Makes the project's {@code config} schedules the {@code wanted} ones: a schedule already there with the same
     * name, cron, branch and workflow is kept as it is (its next run too), others are added or removed.
     */
    void replaceConfigSchedules(String projectId, List<Schedule> wanted);

    // --- setup pipelines

    /** Records the pipeline's continuation key (kept recoverable for its jobs; found by its hash). */
    void createContinuation(String pipelineId, String key, String keyHash, long now);

    /** The pipeline's continuation key in clear, while it is unused. */
    Optional<String> continuationKey(String pipelineId);

    /** Uses the key with this hash, once: answers its pipeline, or empty when unknown or already used. */
    Optional<String> useContinuation(String keyHash, long now);

    /** Whether the pipeline's continuation key was used. */
    boolean continued(String pipelineId);
}
