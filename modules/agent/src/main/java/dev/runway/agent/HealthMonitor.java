package dev.runway.agent;

import dev.runway.launcher.ServiceNotifier;
import dev.runway.launcher.ServiceWatchdog;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Healthy while the API answers, Unhealthy after {@code threshold} consecutive failures. Every change is pushed to
 * the service manager through each active {@link ServiceNotifier} (systemd: READY=1 after the first successful
 * claim round-trip, STATUS=Healthy/Unhealthy, STOPPING=1 on drain) and read by the HTTP health endpoints.
 */
public final class HealthMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    public static final int DEFAULT_THRESHOLD = 3;

    private final List<ServiceNotifier> notifiers;
    private final int threshold;
    private int consecutiveFailures;
    private boolean healthy = true;
    private boolean ready;
    private boolean draining;

    public HealthMonitor(List<ServiceNotifier> notifiers, int threshold) {
        this.notifiers = List.copyOf(notifiers);
        this.threshold = threshold;
    }

    /** The active notifiers on the module/class path (none when no service manager listens). */
    public static List<ServiceNotifier> activeNotifiers() {
        return ServiceLoader.load(ServiceNotifier.class).stream().map(ServiceLoader.Provider::get)
                .filter(ServiceNotifier::isActive).toList();
    }

    /** A call to the API got an answer (any answer that shows the server works). */
    public void apiAnswered() {
        boolean becameReady;
        boolean recovered;
        synchronized (this) {
            consecutiveFailures = 0;
            becameReady = !ready;
            ready = true;
            recovered = !healthy;
            healthy = true;
        }
        if (becameReady) {
            LOG.info("connected to the API; ready");
            notifyAll(ServiceNotifier::ready);
            notifyAll(n -> n.status("Healthy"));
        } else if (recovered) {
            LOG.info("the API answers again; healthy");
            notifyAll(n -> n.status("Healthy"));
        }
    }

    /** A call to the API got no usable answer. */
    public void apiFailed(String what) {
        boolean turnedUnhealthy;
        synchronized (this) {
            consecutiveFailures++;
            turnedUnhealthy = healthy && consecutiveFailures >= threshold;
            if (turnedUnhealthy) {
                healthy = false;
            }
        }
        if (turnedUnhealthy) {
            LOG.warn("unhealthy: {} consecutive API failures, last: {}", threshold, what);
            notifyAll(n -> n.status("Unhealthy"));
        }
    }

    /** The agent stops claiming and will exit when its tasks end. */
    public void draining() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        notifyAll(ServiceNotifier::stopping);
        notifyAll(n -> n.status("Draining"));
    }

    /** The service manager's watchdog: pings while {@code alive} holds, when a notifier expects them. */
    public ServiceWatchdog startWatchdog(BooleanSupplier alive) {
        return ServiceWatchdog.start(notifiers, alive);
    }

    public synchronized boolean isHealthy() {
        return healthy;
    }

    /** Ready for work: the API answered at least once, answers now, and the agent is not draining. */
    public synchronized boolean isReady() {
        return ready && healthy && !draining;
    }

    public synchronized boolean isDraining() {
        return draining;
    }

    private void notifyAll(Consumer<ServiceNotifier> call) {
        for (ServiceNotifier notifier : notifiers) {
            try {
                call.accept(notifier);
            } catch (RuntimeException e) {
                LOG.debug("service notifier {} failed: {}", notifier.getClass().getName(), e.toString());
            }
        }
    }
}
