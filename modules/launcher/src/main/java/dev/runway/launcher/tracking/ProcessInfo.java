package dev.runway.launcher.tracking;

/**
 * One process in a {@link ProcessTable} snapshot. {@code startTime} is opaque but ordered within one table (clock
 * ticks since boot on Linux, microseconds since the epoch on macOS): a child never starts before its parent.
 * {@code sid} and {@code pgid} are -1 where the table cannot tell.
 */
public record ProcessInfo(long pid, long ppid, long pgid, long sid, long uid, long startTime, ProcessState state) {
    public ProcessId id() {
        return new ProcessId(pid, startTime);
    }

    /** False for zombies: they cannot be signalled and hold nothing but their pid. */
    public boolean isAlive() {
        return state != ProcessState.ZOMBIE;
    }

    public boolean isStopped() {
        return state == ProcessState.STOPPED;
    }
}
