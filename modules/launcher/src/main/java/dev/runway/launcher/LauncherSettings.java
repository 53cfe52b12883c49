package dev.runway.launcher;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What every launcher of one launch agent shares. {@code commandPrefix} is CircleCI's {@code runner.command_prefix}
 * (empty for none); {@code grace} is how long a SIGTERM'd task may take before SIGKILL; {@code taskUser} is the
 * user tasks run as (null: the agent's own user); {@code maxConcurrentTasks} how many tasks may run at once (with
 * one, a task user other than the agent's runs nothing but the current task); {@code sandbox} how a launcher that
 * can isolate a task confines it.
 */
public record LauncherSettings(List<String> commandPrefix, String taskUser, Duration grace, int maxConcurrentTasks,
        Sandbox sandbox) {
    public LauncherSettings {
        commandPrefix = List.copyOf(commandPrefix);
        Objects.requireNonNull(sandbox, "sandbox");
        if (maxConcurrentTasks < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, not " + maxConcurrentTasks);
        }
    }

    /**
     * True when {@code taskUser} holds a {@code %d}: one user per slot, each running one task at a time, so every
     * process of a slot's user belongs to that slot's task. Each {@link LaunchSpec#user()} names the slot's user.
     */
    public boolean perSlotUser() {
        return taskUser != null && taskUser.contains("%d");
    }

    /** The user {@code spec} runs as: its own, or else the one every task runs as (null: the agent's user). */
    public String userOf(LaunchSpec spec) {
        return spec.user() != null ? spec.user() : taskUser;
    }

    /** One task at a time, in the strict sandbox. */
    public LauncherSettings(List<String> commandPrefix, String taskUser, Duration grace) {
        this(commandPrefix, taskUser, grace, 1, Sandbox.STRICT);
    }
}
