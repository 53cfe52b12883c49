package dev.runway.server.pipeline;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that look for due polls and schedules every tick: one each, so that a slow remote does not hold a
 * schedule back. What is due, and who takes it, is decided in the store.
 */
public final class TimedTriggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimedTriggers.class);
    private final ProjectPoller poller;
    private final ScheduleRunner schedules;
    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "runway-triggers");
        thread.setDaemon(true);
        return thread;
    });

    public TimedTriggers(ProjectPoller poller, ScheduleRunner schedules) {
        this.poller = poller;
        this.schedules = schedules;
    }

    public void start(Duration tick) {
        threads.scheduleWithFixedDelay(() -> safely("polling", poller::runOnce), 0, tick.toMillis(),
                TimeUnit.MILLISECONDS);
        threads.scheduleWithFixedDelay(() -> safely("schedules", schedules::runOnce), 0, tick.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static void safely(String what, Runnable pass) {
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed; retrying on the next tick", what, e);
        }
    }

    @Override
    public void close() {
        // no interrupt while a pass runs: an interrupt during a store write closes H2's file channel for good
        threads.shutdown();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
