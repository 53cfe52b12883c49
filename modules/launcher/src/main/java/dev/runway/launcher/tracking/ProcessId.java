package dev.runway.launcher.tracking;

/**
 * The identity of one process: its pid plus its start time. A pid alone is recycled by the kernel; the pair is not, so
 * a tracker that remembers this pair never signals a stranger who inherited a dead task process's pid.
 */
public record ProcessId(long pid, long startTime) {
    @Override
    public String toString() {
        return pid + "@" + startTime;
    }
}
