package dev.runway.launcher.tracking;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread that reads the process table every {@code interval} and hands the snapshot to every tracker
 * of a launcher: one scan per interval however many tasks run. Frequent sampling is what catches a child before it
 * re-parents away from the task. It runs only while a tracker is registered: an idle launch agent would otherwise wake
 * ten times a second for nothing (about a third of its idle CPU).
 */
public final class ProcessSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);

    private final ProcessTable table;
    private final Set<TreeTracker> trackers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final long intervalMillis;
    private ScheduledFuture<?> sampling; // guarded by this; null while no tracker is registered

    public ProcessSampler(ProcessTable table, Duration interval) {
        this.table = table;
        this.intervalMillis = interval.toMillis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "runway-process-sampler");
            thread.setDaemon(true);
            return thread;
        });
    }

    public synchronized void register(TreeTracker tracker) {
        trackers.add(tracker);
        if (sampling == null && !scheduler.isShutdown()) {
            sampling = scheduler.scheduleWithFixedDelay(this::sample, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    public synchronized void unregister(TreeTracker tracker) {
        trackers.remove(tracker);
        if (trackers.isEmpty() && sampling != null) {
            sampling.cancel(false);
            sampling = null;
        }
    }

    /** Whether the table is being read periodically (while trackers are registered). */
    synchronized boolean isSampling() {
        return sampling != null;
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
