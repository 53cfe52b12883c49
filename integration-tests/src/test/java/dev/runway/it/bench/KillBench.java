package dev.runway.it.bench;

import dev.runway.it.support.ProcFs;
import dev.runway.it.support.Waits;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.systemd.SystemdLauncherProvider;
import dev.runway.launcher.process.ProcessLauncherProvider;
import dev.runway.testsupport.NamespacedSystemd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Kill: from the stop request ({@link TaskProcess#stop()}: SIGTERM, the grace period, SIGKILL) until the last of a
 * 50-process tree is gone. The tree ignores SIGTERM, so only the SIGKILL after the grace ends it, and a third of it
 * escaped with setsid, a third with a double fork (orphans re-parented away from the task). Every process carries a
 * marker in its environment; "gone" means no live process in /proc has it.
 */
final class KillBench {
    static final int TREE_SIZE = 50;
    /** 1 shell + 17 children + 16 in new sessions + 16 orphans of a double fork; all inherit the ignored SIGTERM. */
    private static final String TREE = "trap '' TERM\n"
            + "i=0; while [ $i -lt 17 ]; do sleep 600 & i=$((i+1)); done\n"
            + "i=0; while [ $i -lt 16 ]; do setsid sleep 600 & i=$((i+1)); done\n"
            + "i=0; while [ $i -lt 16 ]; do (sleep 600 &); i=$((i+1)); done\n"
            + "wait\n";
    private static final long GONE_TIMEOUT_MILLIS = 15_000;

    private final Options options;

    KillBench(Options options) {
        this.options = options;
    }

    Row processLauncher() throws Exception {
        return measure("process launcher", new ProcessLauncherProvider());
    }

    Row systemdLauncher(SystemdBench systemd) throws Exception {
        NamespacedSystemd booted = systemd.systemd();
        if (booted == null) {
            return Row.skipped("kill, systemd launcher", target(), systemd.unavailableReason());
        }
        return measure("systemd launcher", new SystemdLauncherProvider(booted.busAddress()));
    }

    private Row measure(String launcherName, LauncherProvider provider) throws Exception {
        Duration grace = Duration.ofMillis(options.graceMillis());
        List<Double> millis = new ArrayList<>();
        List<String> survivors = new ArrayList<>();
        try (Launcher launcher = provider.create(new LauncherSettings(List.of(), null, grace))) {
            for (int run = 0; run < options.runs() + 1; run++) {
                double killed = killOnce(launcher, survivors);
                if (run > 0) { // the first one warms up
                    millis.add(killed);
                }
            }
        }
        Stats stats = Stats.of(millis);
        Stats floor = Stats.of(List.of((double) options.graceMillis()));
        String note = "stop() with a " + options.graceMillis() + " ms grace on a " + TREE_SIZE
                + "-process tree that ignores SIGTERM (16 setsid, 16 double-forked)";
        if (!survivors.isEmpty()) {
            note += "; SURVIVORS after " + GONE_TIMEOUT_MILLIS + " ms (then killed by the harness): " + survivors;
        }
        return Row.measured("kill: stop -> last of 50 escaping processes gone, " + launcherName, "ms", stats,
                "grace period", floor, target(),
                survivors.isEmpty() && stats.median() <= options.graceMillis() + 200, note);
    }

    private double killOnce(Launcher launcher, List<String> survivors) throws Exception {
        String id = UUID.randomUUID().toString();
        String marker = "RUNWAY_BENCH_TREE=" + id;
        // units cannot see this JVM's /tmp: the job's files live under the work directory
        Path dir = Files.createDirectories(options.work().resolve("kill").resolve(id));
        Path script = Files.writeString(dir.resolve("tree.sh"), TREE);
        TaskProcess task = launcher.start(new LaunchSpec(id, List.of("/bin/sh", script.toString()),
                Map.of("RUNWAY_BENCH_TREE", id, "PATH", "/usr/bin:/bin"), dir, new byte[0],
                dir.resolve("output.log"), Limits.NONE));
        int size = Waits.lastUntil(Duration.ofSeconds(30), Duration.ofMillis(20),
                () -> ProcFs.withMarker(marker).size(), found -> found >= TREE_SIZE);
        if (size < TREE_SIZE) {
            throw new IllegalStateException("the tree never reached " + TREE_SIZE + " processes: " + size);
        }
        Thread.sleep(200); // the double-forked orphans have left their parents
        long stop = System.nanoTime();
        task.stop();
        long gone;
        List<ProcFs.Snapshot> alive;
        // the measurement itself: /proc is read again at once, no poll interval between stop and the figure
        do {
            alive = ProcFs.withMarker(marker);
            gone = System.nanoTime();
        } while (!alive.isEmpty() && (gone - stop) / 1_000_000 < options.graceMillis() + GONE_TIMEOUT_MILLIS);
        if (!alive.isEmpty()) {
            survivors.add(alive.size() + " of " + TREE_SIZE);
            ProcFs.kill(alive.stream().map(ProcFs.Snapshot::pid).collect(Collectors.toList()));
        }
        task.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        return (gone - stop) / 1e6;
    }

    private String target() {
        return "<= grace + 200 ms";
    }
}
