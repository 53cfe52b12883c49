package dev.runway.taskagent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the task agent runs a task.
 *
 * @param workingDirectory the job's working directory (CIRCLE_WORKING_DIRECTORY), already created
 * @param environment the environment steps inherit (the task agent's own; never holds the task token)
 * @param home what {@code ~} expands to
 * @param maxRunTime the job is stopped after this long; zero means no limit
 * @param cancelGrace SIGTERM to SIGKILL on cancel, no_output_timeout and the end of background steps
 * @param cancelCheckInterval how often the server is asked (a heartbeat) whether the task was canceled
 * @param pipeGrace how long to wait for a step's output pipe to close after its processes were killed
 * @param ringBytes per-step output buffer (bounded memory whatever the volume)
 * @param chunkBytes largest output chunk sent in one request
 * @param circleciCommand the command line that runs {@code circleci ARGS} (ARGS appended), as the job's
 *     {@code circleci} script runs it; empty: no such script
 */
public record TaskAgentSettings(Path workingDirectory, Map<String, String> environment, String home,
        Duration maxRunTime, Duration cancelGrace, Duration cancelCheckInterval, Duration pipeGrace, int ringBytes,
        int chunkBytes, List<String> circleciCommand) {

    public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(10);
    public static final long DEFAULT_NO_OUTPUT_TIMEOUT_MILLIS = Duration.ofMinutes(10).toMillis();

    public TaskAgentSettings {
        environment = Map.copyOf(environment);
        circleciCommand = List.copyOf(circleciCommand);
        if (chunkBytes <= 0 || ringBytes < chunkBytes) {
            throw new IllegalArgumentException("need 0 < chunkBytes <= ringBytes, got " + chunkBytes + " and "
                    + ringBytes);
        }
    }

    /** The defaults for a task in {@code workingDirectory} with the given environment. */
    public static TaskAgentSettings defaults(Path workingDirectory, Map<String, String> environment,
            Duration maxRunTime) {
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        // 2 MiB requests (the server takes up to 4 MiB), so each request's fixed cost (auth, lookups, thread
        // hand-offs on both sides) is paid rarely; a ring of four, so the step's output is read on while one is in
        // flight. (TaskAgentBenchmark: 2 MiB moved about a fifth more per second than 1 MiB, 1 MiB more than 512 KiB.)
        return new TaskAgentSettings(workingDirectory, environment, home, maxRunTime, DEFAULT_CANCEL_GRACE,
                Duration.ofSeconds(5), Duration.ofSeconds(2), 8 * 1024 * 1024, 2 * 1024 * 1024, List.of());
    }

    /**
     * The job's working directory as the launch agent gives it: CIRCLE_WORKING_DIRECTORY ({@code ~} expanded,
     * relative to {@code currentDirectory}), else {@code currentDirectory}.
     */
    public static Path jobDirectory(Map<String, String> environment, Path currentDirectory) {
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return JobEnvironment.resolveDirectory(environment.get("CIRCLE_WORKING_DIRECTORY"), currentDirectory, home);
    }

    public TaskAgentSettings withCancelGrace(Duration grace) {
        return new TaskAgentSettings(workingDirectory, environment, home, maxRunTime, grace, cancelCheckInterval,
                pipeGrace, ringBytes, chunkBytes, circleciCommand);
    }

    public TaskAgentSettings withCancelCheckInterval(Duration interval) {
        return new TaskAgentSettings(workingDirectory, environment, home, maxRunTime, cancelGrace, interval,
                pipeGrace, ringBytes, chunkBytes, circleciCommand);
    }

    /** These settings with the command line the job's {@code circleci} script runs. */
    public TaskAgentSettings withCircleciCommand(List<String> command) {
        return new TaskAgentSettings(workingDirectory, environment, home, maxRunTime, cancelGrace,
                cancelCheckInterval, pipeGrace, ringBytes, chunkBytes, command);
    }
}
