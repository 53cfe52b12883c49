package dev.runway.server;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.store.Job;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds running tasks whose lease lapsed and requeues their jobs (at most {@code maxRequeues} times) or fails them. */
final class LeaseReaper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
    private final Store store;
    private final ClaimWaiters claims;
    private final OutputWatchers watchers;
    private final int maxRequeues;
    private final Clock clock;
    private final Runnable jobEnded;
    private final ServerMetrics metrics;

    /** {@code jobEnded} runs when a lapsed task's job fails for good (the pipeline scheduler's wake-up). */
    LeaseReaper(Store store, ClaimWaiters claims, OutputWatchers watchers, int maxRequeues, Clock clock,
            ServerMetrics metrics, Runnable jobEnded) {
        this.jobEnded = jobEnded;
        this.metrics = metrics;
        this.store = store;
        this.claims = claims;
        this.watchers = watchers;
        this.maxRequeues = maxRequeues;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            for (Task task : store.tasks().lapsed(clock.millis())) {
                Job job = store.tasks().lapse(task.id(), maxRequeues, clock.millis());
                LOG.warn("task {} of job #{}: lease lapsed (runner {}); job is now {}: {}", task.id(), job.buildNum(),
                        task.runnerName(), job.state(), job.reason());
                metrics.leaseExpired(job.state() == JobState.QUEUED);
                watchers.changed(task.id());
                watchers.changed(JobRoutes.queuedKey(job.id()));
                if (job.state() == JobState.QUEUED) {
                    claims.signal(job.resourceClassId());
                } else if (job.state().isFinal()) {
                    jobEnded.run();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("lease check failed; retrying on the next round", e);
        }
    }
}
