package dev.runway.server;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.store.Job;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds running tasks whose lease lapsed and requeues their jobs (at most {@code maxRequeues} times) or fails them. */
final class LeaseReaper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);
    /** Lapses per transaction. */
    static final int BATCH = 100;
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
            List<Task> lapsed = store.tasks().lapsed(clock.millis());
            // a batch per commit, not a commit per task; a bounded one, so claims do not wait long behind it
            for (int from = 0; from < lapsed.size(); from += BATCH) {
                List<Task> batch = lapsed.subList(from, Math.min(lapsed.size(), from + BATCH));
                List<Job> jobs = store.tasks().lapseAll(batch.stream().map(Task::id).toList(), maxRequeues,
                        clock.millis());
                for (int i = 0; i < batch.size(); i++) {
                    report(batch.get(i), jobs.get(i));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("lease check failed; retrying on the next round", e);
        }
    }

    private void report(Task task, Job job) {
        LOG.warn("task {} of job #{}: lease lapsed (runner {}); job is now {}: {}", task.id(), job.buildNum(),
                task.runnerName(), job.state(), job.reason());
        metrics.leaseExpired(job.state() == JobState.QUEUED);
        watchers.changed(task.id());
        watchers.changed(JobRoutes.queuedKey(job.id()));
        watchers.changed(RunnerRoutes.closedKey(task.id()));
        if (job.state() == JobState.QUEUED) {
            claims.signal(job.resourceClassId());
        } else if (job.state().isFinal()) {
            jobEnded.run();
        }
    }
}
