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
    private final ScheduledExecutorService scheduler; // null when the rounds come from a schedule given to us
    private final Schedule schedule;
    private final Duration interval;
    private Runnable sampling; // guarded by this; stops the rounds; null while no tracker is registered
    private boolean closed; // guarded by this

    /**
     * What calls the sampling rounds: the sampler's own timer thread, or in tests a hand that calls them one by one
     * (the sampler's clock).
     */
    @FunctionalInterface
    interface Schedule {
        /** Calls {@code round} every {@code interval} from now on; running the answer stops that. */
        Runnable repeat(Runnable round, Duration interval);
    }

    public ProcessSampler(ProcessTable table, Duration interval) {
        this.table = table;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "runway-process-sampler");
            thread.setDaemon(true);
            return thread;
        });
        this.schedule = (round, every) -> {
            ScheduledFuture<?> rounds = scheduler.scheduleWithFixedDelay(round, every.toMillis(), every.toMillis(),
                    TimeUnit.MILLISECONDS);
            return () -> rounds.cancel(false);
        };
    }

    /** A sampler whose rounds come from {@code schedule}. */
    ProcessSampler(ProcessTable table, Duration interval, Schedule schedule) {
        this.table = table;
        this.interval = interval;
        this.scheduler = null;
        this.schedule = schedule;
    }

    public synchronized void register(TreeTracker tracker) {
        trackers.add(tracker);
        if (sampling == null && !closed) {
            sampling = schedule.repeat(this::sample, interval);
        }
    }

    public synchronized void unregister(TreeTracker tracker) {
        trackers.remove(tracker);
        if (trackers.isEmpty() && sampling != null) {
            sampling.run();
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
    public synchronized void close() {
        closed = true;
        if (sampling != null) {
            sampling.run();
            sampling = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
