package dev.runway.launcher.linux.systemd;

import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Limits;
import dev.runway.launcher.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The StartTransientUnit properties of one task's service unit. */
final class TransientUnit {
    private TransientUnit() {}

    /**
     * @param argv the full command, argv[0] an absolute path
     * @param taskUser {@code user} or {@code user:group} (names or numbers), null for the agent's own user
     * @param sandbox how the unit confines the task
     * @param writable stays writable whatever the sandbox protects (the task's working directory); null for none
     * @param stdinFd the read end of the pipe holding the task's stdin (its token)
     */
    static List<UnitProperty> properties(LaunchSpec spec, List<String> argv, String taskUser, Duration grace,
            Sandbox sandbox, Path writable, int stdinFd) {
        List<UnitProperty> properties = new ArrayList<>();
        properties.add(UnitProperty.string("Description", "Runway task " + spec.launchId()));
        properties.add(UnitProperty.string("Type", "exec"));
        properties.add(UnitProperty.execStart(argv));
        if (taskUser != null && !taskUser.isBlank()) {
            int colon = taskUser.indexOf(':');
            properties.add(UnitProperty.string("User", colon < 0 ? taskUser : taskUser.substring(0, colon)));
            if (colon >= 0) {
                properties.add(UnitProperty.string("Group", taskUser.substring(colon + 1)));
            }
        }
        if (spec.workingDirectory() != null) {
            properties.add(UnitProperty.string("WorkingDirectory", spec.workingDirectory().toAbsolutePath().toString()));
        }
        properties.add(UnitProperty.strings("Environment", environment(spec.environment())));
        properties.add(UnitProperty.fd("StandardInputFileDescriptor", stdinFd));
        if (spec.outputLog() != null) {
            String log = spec.outputLog().toAbsolutePath().toString();
            properties.add(UnitProperty.string("StandardOutputFileToAppend", log));
            properties.add(UnitProperty.string("StandardErrorFileToAppend", log));
        }
        // Everything in the cgroup gets SIGTERM, then SIGKILL after the grace period, when the unit stops.
        properties.add(UnitProperty.string("KillMode", "control-group"));
        properties.add(UnitProperty.uint64("TimeoutStopUSec", grace.toNanos() / 1000));
        // Collected as soon as it ends, failed or not, once this agent drops its reference (AddRef).
        properties.add(UnitProperty.string("CollectMode", "inactive-or-failed"));
        properties.add(UnitProperty.bool("AddRef", true));
        properties.addAll(limits(spec.limits()));
        properties.addAll(sandbox(sandbox, writable, Path.of(argv.get(0))));
        return properties;
    }

    /**
     * The task's confinement (systemd 252 names); {@code writable} stays writable, so a working_directory under
     * /home or /usr still works. A private /tmp would hide a working directory or a task agent ({@code executable})
     * that lies under /tmp or /var/tmp, so the unit then keeps the shared ones ({@link #hiddenByPrivateTmp}).
     */
    static List<UnitProperty> sandbox(Sandbox sandbox, Path writable, Path executable) {
        List<UnitProperty> properties = new ArrayList<>();
        if (sandbox.noNewPrivileges()) {
            properties.add(UnitProperty.bool("NoNewPrivileges", true));
        }
        if (sandbox.privateTmp() && !hiddenByPrivateTmp(writable) && !hiddenByPrivateTmp(executable)) {
            properties.add(UnitProperty.bool("PrivateTmp", true));
        }
        if (sandbox.protectSystem()) {
            properties.add(UnitProperty.string("ProtectSystem", "full"));
        }
        if (sandbox.protectHome()) {
            properties.add(UnitProperty.string("ProtectHome", "read-only"));
        }
        if (sandbox.protectProc()) {
            // hidepid=invisible on the unit's own /proc: another user's processes (the agent's, another task
            // user's) cannot be seen, so neither their environment nor their command line can be read
            properties.add(UnitProperty.string("ProtectProc", "invisible"));
        }
        if ((sandbox.protectSystem() || sandbox.protectHome()) && writable != null) {
            properties.add(UnitProperty.strings("ReadWritePaths", List.of("-" + writable.toAbsolutePath())));
        }
        return properties;
    }

    /** Whether a private /tmp and /var/tmp would hide {@code path} from the unit. */
    static boolean hiddenByPrivateTmp(Path path) {
        if (path == null) {
            return false;
        }
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith("/tmp") || absolute.startsWith("/var/tmp");
    }

    private static List<String> environment(Map<String, String> environment) {
        List<String> assignments = new ArrayList<>();
        environment.forEach((name, value) -> assignments.add(name + "=" + value));
        return assignments;
    }

    private static List<UnitProperty> limits(Limits limits) {
        List<UnitProperty> properties = new ArrayList<>();
        if (limits == null) {
            return properties;
        }
        if (limits.memoryMaxBytes() > 0) {
            properties.add(UnitProperty.uint64("MemoryMax", limits.memoryMaxBytes()));
        }
        if (limits.tasksMax() > 0) {
            properties.add(UnitProperty.uint64("TasksMax", limits.tasksMax()));
        }
        if (limits.oomScoreAdjust() != 0) {
            properties.add(UnitProperty.int32("OOMScoreAdjust", limits.oomScoreAdjust()));
        }
        return properties;
    }
}
