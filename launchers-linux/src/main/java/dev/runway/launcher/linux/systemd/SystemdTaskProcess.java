package dev.runway.launcher.linux.systemd;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.jna.LibC;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One task's transient unit. Its end is seen by {@link SystemdLauncher}'s poller, which calls {@link #ended}. */
final class SystemdTaskProcess implements TaskProcess {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdTaskProcess.class);

    private final String launchId;
    private final String unit;
    private final long pid;
    private final SystemdManager systemd;
    private final ScheduledExecutorService scheduler;
    private final Duration grace;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private boolean stopping;
    private boolean pollFailing;

    SystemdTaskProcess(String launchId, String unit, long pid, SystemdManager systemd,
            ScheduledExecutorService scheduler, Duration grace) {
        this.launchId = launchId;
        this.unit = unit;
        this.pid = pid;
        this.systemd = systemd;
        this.scheduler = scheduler;
        this.grace = grace;
    }

    String unit() {
        return unit;
    }

    @Override
    public String launchId() {
        return launchId;
    }

    /** The main process's pid as systemd reports it (the host's pid when systemd is the host's PID 1). */
    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    /** SIGTERM + SIGCONT to the whole cgroup now, then SIGKILL and StopUnit once the grace period is over. */
    @Override
    public synchronized CompletableFuture<ExitStatus> stop() {
        if (!stopping && !exit.isDone()) {
            stopping = true;
            // the grace period runs from this request, not from the bus answers (two round trips to systemd)
            long killAt = System.nanoTime() + grace.toNanos();
            signal(LibC.SIGTERM);
            signal(LibC.SIGCONT); // a stopped process only acts on SIGTERM once continued
            scheduler.schedule(this::killIfRunning, Math.max(0, killAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            LOG.debug("Task {}: SIGTERM sent to unit {}, SIGKILL in {}", launchId, unit, grace);
        }
        return exit;
    }

    @Override
    public void kill() {
        if (!exit.isDone()) {
            signal(LibC.SIGKILL);
        }
    }

    /** Called by the poller once the unit is inactive or failed: its cgroup is empty. */
    void ended(ExitStatus status) {
        exit.complete(status);
    }

    /** Records a failed poll; true when it is the first of a run of failures (worth a log line). */
    boolean pollFailed() {
        boolean first = !pollFailing;
        pollFailing = true;
        return first;
    }

    void pollSucceeded() {
        pollFailing = false;
    }

    void lost(Throwable cause) {
        exit.completeExceptionally(cause);
    }

    private void killIfRunning() {
        if (!exit.isDone()) {
            LOG.info("Task {}: still running {} after SIGTERM, sending SIGKILL to unit {}", launchId, grace, unit);
            forceStop();
        }
    }

    /** SIGKILL to the whole cgroup, then StopUnit so that the unit ends even if systemd had not noticed yet. */
    CompletableFuture<ExitStatus> forceStop() {
        signal(LibC.SIGKILL);
        LOG.debug("Task {}: SIGKILL sent to unit {}", launchId, unit);
        try {
            systemd.stopUnit(unit);
        } catch (BusException e) {
            if (!e.isGone()) {
                LOG.warn("Task {}: StopUnit {} failed: {}", launchId, unit, e.getMessage());
            }
        }
        return exit;
    }

    private void signal(int signal) {
        try {
            systemd.killUnit(unit, signal);
        } catch (BusException e) {
            // A unit that already ended has nothing to signal; anything else is worth a line in the log.
            if (!e.isGone()) {
                LOG.warn("Task {}: KillUnit {} signal {} failed: {}", launchId, unit, signal, e.getMessage());
            }
        }
    }
}
