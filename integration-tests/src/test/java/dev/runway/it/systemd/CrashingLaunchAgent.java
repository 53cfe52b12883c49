package dev.runway.it.systemd;

import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.linux.systemd.SystemdLauncherProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stand-in launch agent for crash tests, run in a JVM of its own: starts one task through the systemd launcher,
 * says "started" and waits to be killed with SIGKILL. Arguments: bus address, launch id, script, work dir.
 */
public final class CrashingLaunchAgent {
    private CrashingLaunchAgent() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[3]);
        Launcher launcher = new SystemdLauncherProvider(args[0])
                .create(new LauncherSettings(List.of(), "nobody", Duration.ofSeconds(2)));
        launcher.start(new LaunchSpec(args[1], List.of("/bin/sh", args[2]),
                Map.of("MARKER", dir.resolve("ready").toString()), dir, new byte[0], dir.resolve("output.log"),
                Limits.NONE));
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
