package dev.runway.launcher;

import java.time.Duration;
import java.util.List;

/**
 * What every launcher of one launch agent shares. {@code commandPrefix} is CircleCI's {@code runner.command_prefix}
 * (empty for none); {@code grace} is how long a SIGTERM'd task may take before SIGKILL; {@code taskUser} is the
 * user tasks run as (null: the agent's own user); {@code maxConcurrentTasks} how many tasks may run at once (with
 * one, a task user other than the agent's runs nothing but the current task).
 */
public record LauncherSettings(List<String> commandPrefix, String taskUser, Duration grace, int maxConcurrentTasks) {
    public LauncherSettings {
        commandPrefix = List.copyOf(commandPrefix);
        if (maxConcurrentTasks < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, not " + maxConcurrentTasks);
        }
    }

    /** One task at a time. */
    public LauncherSettings(List<String> commandPrefix, String taskUser, Duration grace) {
        this(commandPrefix, taskUser, grace, 1);
    }
}
