package dev.runway.launcher.linux.systemd;

import com.sun.jna.LastErrorException;
import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.linux.jna.OpenStdinPipe;
import dev.runway.launcher.linux.jna.StdinPipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each task as a transient systemd service, {@code runway-task-<launch id>.service}, in its own cgroup. Unit
 * ends are found by polling the units' states over the bus (every {@value #POLL_MILLIS} ms): simple and correct,
 * where signal subscriptions through JNA would need an event loop.
 */
final class SystemdLauncher implements Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdLauncher.class);
    private static final long POLL_MILLIS = 100;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** systemd's own exit codes for a unit whose set-up failed before exec (systemd.exec(5), "Process exit codes"). */
    private static final int FIRST_SYSTEMD_EXIT_CODE = 200;
    private static final int LAST_SYSTEMD_EXIT_CODE = 245;

    private final SystemdManager systemd;
    private final LauncherSettings settings;
    private final ScheduledExecutorService scheduler;
    private final Map<String, SystemdTaskProcess> running = new ConcurrentHashMap<>();
    private final AtomicBoolean privateTmpWarned = new AtomicBoolean();
    /** Writes standbys' tasks into their pipes (a write waits for a reader). */
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "runway-systemd-handover");
        thread.setDaemon(true);
        return thread;
    });

    SystemdLauncher(SystemdManager systemd, LauncherSettings settings) {
        this.systemd = systemd;
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "runway-systemd-units");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::pollRunning, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String id() {
        return SystemdLauncherProvider.ID;
    }

    /** Says once that tasks share /tmp because their working directory or task agent lies under it. */
    private void warnWhenPrivateTmpIsKeptOff(Path workingDirectory, List<String> argv) {
        if (settings.sandbox().privateTmp() && (TransientUnit.hiddenByPrivateTmp(workingDirectory)
                || TransientUnit.hiddenByPrivateTmp(Path.of(argv.get(0))))
                && !privateTmpWarned.getAndSet(true)) {
            LOG.warn("task units keep the shared /tmp: their working directory ({}) or the task agent ({}) lies under"
                    + " /tmp or /var/tmp, which a private /tmp would hide; move them elsewhere to give each task its"
                    + " own /tmp", workingDirectory, argv.get(0));
        }
    }

    @Override
    public TaskProcess start(LaunchSpec spec) throws LaunchException {
        String unit = unitName(spec.launchId());
        List<String> argv = argv(spec);
        warnWhenPrivateTmpIsKeptOff(spec.workingDirectory(), argv);
        try (StdinPipe stdin = StdinPipe.holding(spec.stdin())) {
            systemd.startTransientUnit(unit, TransientUnit.properties(spec, argv, settings.userOf(spec),
                    settings.grace(), settings.sandbox(), spec.workingDirectory(), stdin.readFd()));
        } catch (LastErrorException e) {
            throw new LaunchException("cannot pass the standard input of task " + spec.launchId() + " ("
                    + spec.stdin().length + " bytes) through a pipe: " + e.getMessage(), e);
        } catch (BusException e) {
            throw new LaunchException("systemd did not start unit " + unit + ": " + e.getMessage(), e);
        }
        SystemdManager.MainProcess main = awaitStarted(unit);
        SystemdTaskProcess task = new SystemdTaskProcess(spec.launchId(), unit, main.pid(), systemd, scheduler,
                settings.grace());
        running.put(unit, task);
        LOG.info("Task {}: started unit {} (pid {})", spec.launchId(), unit, main.pid());
        return task;
    }

    /** A standby's unit reads a pipe whose write end stays here until its task is written into it. */
    @Override
    public Optional<StandbyProcess> startStandby(LaunchSpec spec) throws LaunchException {
        String unit = unitName(spec.launchId());
        List<String> argv = argv(spec);
        OpenStdinPipe stdin;
        try {
            stdin = OpenStdinPipe.open();
        } catch (LastErrorException e) {
            throw new LaunchException("cannot make a pipe for the standby " + spec.launchId() + ": " + e.getMessage(),
                    e);
        }
        try {
            // its directory is renamed to its task's, beside it: the parent stays writable
            systemd.startTransientUnit(unit, TransientUnit.properties(spec, argv, settings.userOf(spec),
                    settings.grace(), settings.sandbox(), parentOf(spec.workingDirectory()), stdin.readFd()));
        } catch (BusException e) {
            stdin.closeWriteEnd();
            throw new LaunchException("systemd did not start unit " + unit + ": " + e.getMessage(), e);
        } finally {
            stdin.closeReadEnd();
        }
        SystemdManager.MainProcess main;
        try {
            main = awaitStarted(unit);
        } catch (LaunchException e) {
            stdin.closeWriteEnd();
            throw e;
        }
        SystemdTaskProcess task = new SystemdTaskProcess(spec.launchId(), unit, main.pid(), systemd, scheduler,
                settings.grace());
        running.put(unit, task);
        LOG.info("Standby {}: started unit {} (pid {})", spec.launchId(), unit, main.pid());
        return Optional.of(new SystemdStandby(task, stdin, writers));
    }

    /** {@code command_prefix} + the task agent's command, its program as an absolute path (systemd needs one). */
    private static Path parentOf(Path directory) {
        if (directory == null) {
            return null;
        }
        Path absolute = directory.toAbsolutePath();
        return absolute.getParent() != null ? absolute.getParent() : absolute;
    }

    private List<String> argv(LaunchSpec spec) throws LaunchException {
        List<String> argv = new ArrayList<>(settings.commandPrefix());
        argv.addAll(spec.command());
        if (argv.isEmpty()) {
            throw new LaunchException("task " + spec.launchId() + " has an empty command");
        }
        argv.set(0, Executables.absolute(argv.get(0), spec.environment()));
        return argv;
    }

    @Override
    public List<Leftover> findLeftovers() {
        List<Leftover> leftovers = new ArrayList<>();
        try {
            for (String unit : systemd.listUnits(UnitNames.PATTERN)) {
                String launchId = UnitNames.launchId(unit).orElse(null);
                // A unit some live launch agent references (AddRef) is that agent's, not a leftover.
                if (launchId != null && !running.containsKey(unit) && systemd.refs(unit).isEmpty()) {
                    SystemdManager.UnitState state = systemd.state(unit);
                    leftovers.add(new Leftover(launchId, "systemd unit " + unit + " (" + state.activeState() + "/"
                            + state.subState() + ")"));
                }
            }
        } catch (BusException e) {
            LOG.warn("Cannot list leftover task units on {}: {}", systemd.address(), e.getMessage());
        }
        return leftovers;
    }

    /**
     * Takes a reference on the leftover unit (so its end can be read), then SIGKILL to its cgroup and StopUnit. No
     * SIGTERM first: the task it ran belongs to a launch agent that died, and is reported failed by the new one.
     */
    @Override
    public void remove(Leftover leftover) throws LaunchException {
        String unit = unitName(leftover.launchId());
        SystemdTaskProcess task;
        try {
            systemd.ref(unit);
            task = new SystemdTaskProcess(leftover.launchId(), unit, systemd.mainProcess(unit).pid(), systemd,
                    scheduler, settings.grace());
        } catch (BusException e) {
            if (e.isGone()) {
                return;
            }
            throw new LaunchException("cannot take over leftover unit " + unit + ": " + e.getMessage(), e);
        }
        running.put(unit, task);
        try {
            ExitStatus status = task.forceStop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Leftover task {}: unit {} removed ({})", leftover.launchId(), unit, status);
        } catch (TimeoutException | ExecutionException e) {
            throw new LaunchException("leftover unit " + unit + " did not stop: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while removing leftover unit " + unit, e);
        }
    }

    /** Stops watching units; running units stay (a new launch agent finds them as leftovers). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        writers.shutdownNow();
        running.values().forEach(task -> task.lost(new IllegalStateException("launcher closed")));
        running.clear();
        systemd.close();
    }

    private static String unitName(String launchId) throws LaunchException {
        try {
            return UnitNames.unitName(launchId);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(e.getMessage(), e);
        }
    }

    /** Waits until systemd has run the unit's start job; throws when its set-up failed (bad user, directory...). */
    private SystemdManager.MainProcess awaitStarted(String unit) throws LaunchException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                SystemdManager.UnitState state = systemd.state(unit);
                if (state.started() && !state.activeState().equals("activating")) {
                    SystemdManager.MainProcess main = systemd.mainProcess(unit);
                    // Not "ended" as well: a unit whose set-up failed passes through "deactivating" (its stop
                    // states) with the exit status already recorded, and a poll can see it there.
                    if (main.exited() && main.status() >= FIRST_SYSTEMD_EXIT_CODE
                            && main.status() <= LAST_SYSTEMD_EXIT_CODE) {
                        release(unit);
                        throw new LaunchException("systemd could not set up unit " + unit + ": exit status "
                                + main.status() + " (see 'Process exit codes' in systemd.exec(5): e.g. 217 user, "
                                + "200 working directory, 203 exec, 209 stdout)");
                    }
                    return main;
                }
                Thread.sleep(20);
            }
        } catch (BusException e) {
            throw new LaunchException("cannot read the state of unit " + unit + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while starting unit " + unit, e);
        }
        killQuietly(unit);
        throw new LaunchException("unit " + unit + " did not start within " + START_TIMEOUT.toSeconds() + " s");
    }

    /** One ActiveState read per running unit per round; a unit that is inactive or failed has an empty cgroup. */
    private void pollRunning() {
        for (SystemdTaskProcess task : running.values()) {
            try {
                if (SystemdManager.isEnded(systemd.activeState(task.unit()))) {
                    running.remove(task.unit());
                    task.ended(exitStatus(task));
                }
                task.pollSucceeded();
            } catch (BusException e) {
                // Logged once per outage, not every round: the next round retries.
                if (task.pollFailed()) {
                    LOG.warn("Task {}: cannot read the state of unit {}: {}", task.launchId(), task.unit(),
                            e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.error("Task {}: watching unit {} failed", task.launchId(), task.unit(), e);
            }
        }
    }

    private ExitStatus exitStatus(SystemdTaskProcess task) throws BusException {
        SystemdManager.MainProcess main = systemd.mainProcess(task.unit());
        release(task.unit());
        if (!main.ended()) {
            // Only if systemd collected the unit before we read it (it answers for a fresh stub): should not happen
            // while our reference (AddRef) holds it.
            LOG.warn("Task {}: unit {} was collected before its exit status was read", task.launchId(), task.unit());
            return ExitStatus.killed(LibC.SIGKILL);
        }
        ExitStatus status = main.exited() ? ExitStatus.exited(main.status()) : ExitStatus.killed(main.status());
        LOG.info("Task {}: unit {} ended, {}", task.launchId(), task.unit(), status);
        return status;
    }

    /** Forgets an ended unit: clears a failed state and drops our reference, so systemd collects it. */
    private void release(String unit) {
        try {
            systemd.resetFailedUnit(unit);
        } catch (BusException e) {
            if (!e.isGone()) {
                LOG.debug("ResetFailedUnit {}: {}", unit, e.getMessage());
            }
        }
        try {
            systemd.unref(unit);
        } catch (BusException e) {
            LOG.debug("Unref {}: {}", unit, e.getMessage());
        }
    }

    private void killQuietly(String unit) {
        try {
            systemd.killUnit(unit, LibC.SIGKILL);
            systemd.stopUnit(unit);
        } catch (BusException e) {
            LOG.warn("Cannot stop unit {}: {}", unit, e.getMessage());
        }
        release(unit);
    }
}
