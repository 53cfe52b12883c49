package dev.runway.launcher.macos;

import dev.runway.launcher.Availability;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.macos.jna.LibSystem;
import dev.runway.launcher.process.ProcessLauncher;
import java.util.Locale;

/**
 * {@code runner.launcher: macos}: the portable launcher's child processes and user switch ({@code sudo -niHu USER
 * --}), with the shared tree tracker reading libproc instead of ProcessHandle, so sessions, process groups, stopped
 * states and environment markers are all seen. macOS has no cgroups; this is the containment it can have.
 */
public final class MacLauncherProvider implements LauncherProvider {
    public static final String ID = "macos";

    @Override
    public String id() {
        return ID;
    }

    /** Above the portable provider (0). */
    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Availability probe() {
        String os = System.getProperty("os.name", "");
        if (!isMac(os)) {
            return Availability.unavailable("macOS only (this is " + os + ")");
        }
        try {
            LibSystem lib = LibSystem.load();
            if (lib.proc_listallpids(null, 0) <= 0) {
                return Availability.unavailable("libproc's proc_listallpids does not answer");
            }
            return Availability.available();
        } catch (LinkageError e) {
            return Availability.unavailable("cannot load libSystem through JNA: " + e.getMessage());
        }
    }

    static boolean isMac(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("mac") || os.startsWith("darwin");
    }

    @Override
    public Launcher create(LauncherSettings settings) throws LaunchException {
        LibSystem lib = LibSystem.load();
        LibProcProcessTable table = new LibProcProcessTable(lib);
        return new ProcessLauncher(ID, settings, table, new LibcSignaller(lib, table));
    }
}
