package dev.runway.launcher.macos;

import dev.runway.launcher.macos.jna.LibSystem;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessTable;
import dev.runway.launcher.tracking.SafeTargets;
import dev.runway.launcher.tracking.Signal;
import dev.runway.launcher.tracking.Signaller;
import java.util.Collection;
import java.util.Optional;

/** macOS signals through libc {@code kill(2)}, each target's identity re-checked with libproc just before. */
final class LibcSignaller implements Signaller {
    private final LibSystem lib;
    private final ProcessTable table;

    LibcSignaller(LibSystem lib, ProcessTable table) {
        this.lib = lib;
        this.table = table;
    }

    /** Darwin's numbers (sys/signal.h): STOP and CONT differ from Linux. */
    static int darwinNumber(Signal signal) {
        switch (signal) {
            case TERM:
                return 15;
            case KILL:
                return 9;
            case STOP:
                return 17;
            case CONT:
                return 19;
            default:
                throw new IllegalArgumentException(signal.name());
        }
    }

    @Override
    public void send(Signal signal, Collection<ProcessInfo> targets) {
        int number = darwinNumber(signal);
        for (ProcessInfo target : targets) {
            Optional<ProcessInfo> now = table.process(target.pid());
            if (SafeTargets.mayBeSignalled(target) && now.isPresent()
                    && now.get().startTime() == target.startTime()) {
                lib.kill((int) target.pid(), number); // ESRCH when it just exited: nothing to do
            }
        }
    }
}
