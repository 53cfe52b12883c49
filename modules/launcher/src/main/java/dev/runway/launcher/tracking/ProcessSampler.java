package dev.runway.launcher.tracking;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread that reads the process table every {@code interval} and hands the snapshot to every tracker
 * of a launcher: one scan per interval however many tasks run. Frequent sampling is what catches a child before it
 * re-parents away from the task.
 */
public final class ProcessSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);

    private final ProcessTable table;
    private final Set<TreeTracker> trackers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;

    public ProcessSampler(ProcessTable table, Duration interval) {
        this.table = table;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "runway-process-sampler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::sample, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public void register(TreeTracker tracker) {
        trackers.add(tracker);
    }

    public void unregister(TreeTracker tracker) {
        trackers.remove(tracker);
    }

    private void sample() {
        if (trackers.isEmpty()) {
            return;
        }
        try {
            List<ProcessInfo> snapshot = table.snapshot();
            trackers.forEach(t -> t.offer(snapshot));
        } catch (RuntimeException e) {
            LOG.warn("process sampling failed: {}", e.toString()); // the next round retries
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
