package dev.runway.launcher.tracking;

/** The scheduling state of a process, as far as tracking and killing care. */
public enum ProcessState {
    RUNNING,
    SLEEPING,
    /** Stopped by SIGSTOP/SIGTSTP or a debugger: it must get SIGCONT to act on SIGTERM. */
    STOPPED,
    /** Exited, not yet reaped: nothing left to signal. */
    ZOMBIE,
    OTHER
}
