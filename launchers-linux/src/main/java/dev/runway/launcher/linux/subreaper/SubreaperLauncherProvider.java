package dev.runway.launcher.linux.subreaper;

import com.sun.jna.LastErrorException;
import dev.runway.launcher.Availability;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.process.ProcessLauncher;
import dev.runway.launcher.tracking.PosixSignaller;
import dev.runway.launcher.tracking.ProcFsProcessTable;
import dev.runway.launcher.tracking.Signaller;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code subreaper} launcher, for Linux without systemd (a container's PID 1, minimal hosts): the portable process
 * launcher (sessions, tree tracking, user switch) with the agent marked PR_SET_CHILD_SUBREAPER, so that daemonised
 * grandchildren re-parent to the agent instead of init, are tracked as their task's and reaped when they die.
 */
public final class SubreaperLauncherProvider implements LauncherProvider {
    static final String ID = "subreaper";
    /** Above {@code process} (0), below {@code systemd} (20). */
    static final int PRIORITY = 10;
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability probe() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Availability.unavailable("PR_SET_CHILD_SUBREAPER exists on Linux only");
        }
        if (!ProcFsProcessTable.isSupported()) {
            return Availability.unavailable("/proc is not readable, so task processes cannot be tracked");
        }
        try {
            LibC.INSTANCE.prctl(LibC.PR_GET_CHILD_SUBREAPER, new int[1], 0, 0, 0); // read-only check
            return Availability.available();
        } catch (LastErrorException e) {
            return Availability.unavailable("prctl(PR_GET_CHILD_SUBREAPER) failed: " + e.getMessage());
        } catch (LinkageError e) {
            return Availability.unavailable("native access (JNA) is not available: " + e);
        }
    }

    @Override
    public Launcher create(LauncherSettings settings) throws LaunchException {
        try {
            LibC.INSTANCE.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new LaunchException("cannot make the launch agent a child subreaper: " + e.getMessage(), e);
        }
        ProcFsProcessTable procFs = new ProcFsProcessTable();
        OrphanAdoptingTable table = new OrphanAdoptingTable(procFs, ProcessHandle.current().pid(), procFs::nowTicks);
        Signaller signaller = new PosixSignaller(table);
        ProcessLauncher launcher = new ProcessLauncher(ID, settings, table, signaller, true);
        ExecutorService ladders = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "runway-orphan-ladder");
            thread.setDaemon(true);
            return thread;
        });
        Duration grace = settings.grace() == null ? DEFAULT_GRACE : settings.grace();
        return new SubreaperLauncher(launcher, table, new StrayOrphans(table, signaller, grace, ladders),
                new ZombieReaper(table), ladders);
    }
}
