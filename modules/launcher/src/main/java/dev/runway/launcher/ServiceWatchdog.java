package dev.runway.launcher;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service manager's watchdog (systemd: WATCHDOG=1 within WatchdogSec): each notifier that expects pings
 * ({@link ServiceNotifier#watchdogInterval}) gets one every half of its interval while the process is alive by its
 * own measure; a process that hangs or stops working stops pinging, and the service manager restarts it.
 */
public final class ServiceWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceWatchdog.class);
    /** The shortest time between two pings, whatever the interval asked for. */
    static final Duration MIN_PERIOD = Duration.ofMillis(100);

    private final ScheduledExecutorService scheduler;

    private ServiceWatchdog(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts pinging the {@code notifiers} that expect pings, while {@code alive} holds (asked before each ping);
     * no thread when none expects them.
     */
    public static ServiceWatchdog start(List<ServiceNotifier> notifiers, BooleanSupplier alive) {
        ScheduledExecutorService scheduler = null;
        for (ServiceNotifier notifier : notifiers) {
            Optional<Duration> interval = notifier.watchdogInterval();
            if (interval.isEmpty()) {
                continue;
            }
            if (scheduler == null) {
                scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "watchdog");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            long period = Math.max(MIN_PERIOD.toNanos(), interval.get().toNanos() / 2);
            scheduler.scheduleAtFixedRate(() -> ping(notifier, alive), 0, period, TimeUnit.NANOSECONDS);
        }
        return new ServiceWatchdog(scheduler);
    }

    /** Whether pings are being sent: some notifier expects them, and this watchdog is not closed. */
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    /** One ping when alive; never throws (an exception would end the schedule, and the service with it). */
    private static void ping(ServiceNotifier notifier, BooleanSupplier alive) {
        try {
            if (alive.getAsBoolean()) {
                notifier.watchdog();
            }
        } catch (RuntimeException e) {
            LOG.debug("service notifier {}: watchdog ping failed: {}", notifier.getClass().getName(), e.toString());
        }
    }

    /** No more pings. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
