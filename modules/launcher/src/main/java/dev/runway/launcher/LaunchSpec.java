package dev.runway.launcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One task agent to start. {@code stdin} is written to the process's standard input, then closed (this is how the
 * task token travels: never argv, never environment). Standard output and error are appended to {@code outputLog}.
 * {@code user} is the user this task runs as (its slot's, with a per-slot {@code task_user}); null: the launcher's
 * {@link LauncherSettings#taskUser()}.
 */
public record LaunchSpec(String launchId, List<String> command, Map<String, String> environment,
        Path workingDirectory, byte[] stdin, Path outputLog, Limits limits, String user) {
    /** A task that runs as the launcher's task user. */
    public LaunchSpec(String launchId, List<String> command, Map<String, String> environment, Path workingDirectory,
            byte[] stdin, Path outputLog, Limits limits) {
        this(launchId, command, environment, workingDirectory, stdin, outputLog, limits, null);
    }

    public LaunchSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        stdin = stdin.clone();
    }

    /** This spec with {@code input} as its standard input. */
    public LaunchSpec withStdin(byte[] input) {
        return new LaunchSpec(launchId, command, environment, workingDirectory, input, outputLog, limits, user);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    @Override
    public String toString() {
        // stdin carries a secret: never printed.
        return "LaunchSpec[launchId=" + launchId + ", command=" + command + ", workingDirectory=" + workingDirectory
                + ", outputLog=" + outputLog + ", limits=" + limits + ", user=" + user + ", stdin=<" + stdin.length + " bytes>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LaunchSpec other && launchId.equals(other.launchId) && command.equals(other.command)
                && environment.equals(other.environment) && workingDirectory.equals(other.workingDirectory)
                && Arrays.equals(stdin, other.stdin) && outputLog.equals(other.outputLog)
                && limits.equals(other.limits) && java.util.Objects.equals(user, other.user);
    }

    @Override
    public int hashCode() {
        return launchId.hashCode();
    }
}
