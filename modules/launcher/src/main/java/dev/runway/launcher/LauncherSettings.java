package dev.runway.launcher;

import java.time.Duration;
import java.util.List;

/**
 * What every launcher of one launch agent shares. {@code commandPrefix} is CircleCI's {@code runner.command_prefix}
 * (empty for none); {@code grace} is how long a SIGTERM'd task may take before SIGKILL; {@code taskUser} is the
 * user tasks run as (null: the agent's own user).
 */
public record LauncherSettings(List<String> commandPrefix, String taskUser, Duration grace) {
    public LauncherSettings {
        commandPrefix = List.copyOf(commandPrefix);
    }
}
