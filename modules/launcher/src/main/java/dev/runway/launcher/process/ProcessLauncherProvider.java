package dev.runway.launcher.process;

import dev.runway.launcher.Availability;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.tracking.JdkProcessTable;
import dev.runway.launcher.tracking.PosixSignaller;
import dev.runway.launcher.tracking.ProcFsProcessTable;
import dev.runway.launcher.tracking.ProcessTable;

/**
 * The portable launcher ({@code runner.launcher: process}): child processes in a session of their own, their trees
 * tracked through /proc on Linux (ProcessHandle elsewhere). Always available; every better provider outranks it.
 */
public final class ProcessLauncherProvider implements LauncherProvider {
    public static final String ID = "process";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.available();
    }

    @Override
    public Launcher create(LauncherSettings settings) throws LaunchException {
        ProcessTable table = ProcFsProcessTable.isSupported() ? new ProcFsProcessTable() : new JdkProcessTable();
        return new ProcessLauncher(ID, settings, table, new PosixSignaller(table));
    }
}
