package dev.runway.launcher;

/**
 * Resource limits for a task, where the launcher can enforce them (systemd: cgroup properties). 0 means unlimited.
 * {@code oomScoreAdjust} makes the kernel pick the job over the agent when memory runs out.
 */
public record Limits(long memoryMaxBytes, int tasksMax, int oomScoreAdjust) {
    public static final Limits NONE = new Limits(0, 0, 0);
}
