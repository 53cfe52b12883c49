package dev.runway.launcher;

import java.time.Duration;
import java.util.Optional;

/**
 * Tells the service manager that supervises the launch agent how it is (systemd's sd_notify on Linux). Found with
 * {@link java.util.ServiceLoader}; {@link #isActive()} false means there is nobody to tell (not started by a service
 * manager) and the agent skips it. {@link ServiceWatchdog} sends the watchdog's pings.
 */
public interface ServiceNotifier {
    /** Whether a service manager listens (e.g. NOTIFY_SOCKET is set). */
    boolean isActive();

    /** Start-up is done (systemd READY=1). */
    void ready();

    /** A one-line status shown by the service manager (systemd STATUS=, e.g. "Healthy" or "Unhealthy"). */
    void status(String status);

    /** Liveness ping when the service manager asks for one (systemd WATCHDOG=1 within WatchdogSec). */
    void watchdog();

    /**
     * How often the service manager expects {@link #watchdog()} from this process (systemd: WATCHDOG_USEC, when
     * WATCHDOG_PID is unset or this process); empty when it expects none.
     */
    default Optional<Duration> watchdogInterval() {
        return Optional.empty();
    }

    /** The agent is draining and will stop (systemd STOPPING=1). */
    void stopping();
}
