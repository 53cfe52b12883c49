package dev.runway.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code runner:} section: how this agent names itself and launches, limits and cleans up tasks.
 *
 * @param name                    runner name shown in the UI; default the host name
 * @param commandPrefix           argv prepended to the task-agent command line; default empty
 * @param workingDirectory        per-task working directory; {@code %s} is replaced by a per-task value by the agent
 * @param cleanupWorkingDirectory remove the working directory after each task; default false (as CircleCI)
 * @param maxRunTime              longest a task may run; default 5h
 * @param mode                    continuous (default) or single-task
 * @param idleTimeout             exit when nothing was claimed for this long; {@link Duration#ZERO} = never (default)
 * @param disableAutoUpdate       accepted for compatibility; Runway never updates itself
 * @param launcher                "auto" (default), "process", "systemd", "subreaper" or "macos"
 * @param taskUser                user that tasks run as; null = the agent's own user; a {@code %d} in it is the
 *                                slot number (1..maxConcurrentTasks), one user per slot ({@link #taskUserFor})
 * @param maxConcurrentTasks      tasks run at the same time; default 1
 * @param gracePeriod             time between SIGTERM and SIGKILL when a task is stopped; default 10s
 * @param sshAdvertiseAddr        {@code runner.ssh.advertise_addr} "host:port" for SSH re-runs; may be null
 * @param standbyTimeout          how long a standby task agent (started ahead of the next task, so that its pickup
 *                                does not wait for a JVM) is kept after the last claim; {@link Duration#ZERO} = none;
 *                                default 5m
 * @param sandbox                 protections of the task sandbox to relax (systemd launcher): sudo, tmp, system,
 *                                home, proc; default none (everything protected)
 * @param environment             names of the agent's environment variables passed on to jobs, beyond the ones
 *                                every job gets (PATH, HOME, locale, time zone, proxies, CA files); default none
 */
public record Runner(
        String name,
        List<String> commandPrefix,
        String workingDirectory,
        boolean cleanupWorkingDirectory,
        Duration maxRunTime,
        Mode mode,
        Duration idleTimeout,
        boolean disableAutoUpdate,
        String launcher,
        String taskUser,
        int maxConcurrentTasks,
        Duration gracePeriod,
        String sshAdvertiseAddr,
        Duration standbyTimeout,
        List<String> sandbox,
        List<String> environment) {

    /** In {@code task_user}: replaced by the task's slot number, so that no two running tasks share a user. */
    public static final String SLOT_PLACEHOLDER = "%d";
    public static final String DEFAULT_WORKING_DIRECTORY = "/var/opt/runway/workdir/%s";
    public static final Duration DEFAULT_MAX_RUN_TIME = Duration.ofHours(5);
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(10);
    public static final String DEFAULT_LAUNCHER = "auto";
    public static final Duration DEFAULT_STANDBY_TIMEOUT = Duration.ofMinutes(5);
    /** The values {@code runner.launcher} accepts. */
    public static final List<String> LAUNCHERS = List.of("auto", "process", "systemd", "subreaper", "macos");
    /** What {@code runner.sandbox} may list (the launcher's Sandbox.RELAXATIONS). */
    public static final List<String> SANDBOX_RELAXATIONS = List.of("sudo", "tmp", "system", "home", "proc");

    public Runner {
        Objects.requireNonNull(name, "name");
        commandPrefix = List.copyOf(commandPrefix);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(maxRunTime, "maxRunTime");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        Objects.requireNonNull(standbyTimeout, "standbyTimeout");
        sandbox = List.copyOf(sandbox);
        environment = List.copyOf(environment);
    }

    /** True when {@code task_user} names one user per slot ({@code circleci-%d}). */
    public boolean perSlotTaskUser() {
        return taskUser != null && taskUser.contains(SLOT_PLACEHOLDER);
    }

    /** The user the task in {@code slot} (1..maxConcurrentTasks) runs as; null = the agent's own user. */
    public String taskUserFor(int slot) {
        if (slot < 1 || slot > maxConcurrentTasks) {
            throw new IllegalArgumentException("slot " + slot + " is not within 1.." + maxConcurrentTasks);
        }
        return perSlotTaskUser() ? taskUser.replace(SLOT_PLACEHOLDER, Integer.toString(slot)) : taskUser;
    }
}
