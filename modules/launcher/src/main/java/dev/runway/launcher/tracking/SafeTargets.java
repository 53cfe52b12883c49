package dev.runway.launcher.tracking;

/** The last guard before a signal: init and the launch agent itself are never anybody's task. */
public final class SafeTargets {
    private static final long SELF = ProcessHandle.current().pid();

    private SafeTargets() {}

    public static boolean mayBeSignalled(ProcessInfo target) {
        return target.pid() > 1 && target.pid() != SELF && target.isAlive();
    }
}
