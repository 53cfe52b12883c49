package dev.runway.it.systemd;

import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.systemd.SystemdLauncherProvider;
import dev.runway.launcher.process.ProcessLauncherProvider;
import dev.runway.testsupport.NamespacedSystemd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Launch overhead of the systemd launcher against the process launcher, and how long a kill takes to empty a task's
 * cgroup, on a systemd booted in a namespace. Not a test: prints figures (docs/benchmarks.md, "Component harnesses", has the command).
 * Arguments: [rounds] (default 20, after 3 warm-up rounds).
 */
public final class LauncherBenchmark {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final int WARM_UP = 3;
    /** A task agent stand-in: says it runs (the marker), then stays; plus, for the kill figures, a small tree. */
    private static final String RUNNING = "touch \"$MARKER\"; exec sleep 600";
    private static final String TREE = "for i in 1 2 3 4; do sleep 600 & done; setsid sleep 600 & touch \"$MARKER\"; wait";

    private final Path work;

    private LauncherBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path work = Files.createDirectories(Path.of("target", "launcher-benchmark").toAbsolutePath());
        try (NamespacedSystemd systemd = NamespacedSystemd.boot()) {
            new LauncherBenchmark(work).run(systemd, rounds);
        }
        System.exit(0);
    }

    private void run(NamespacedSystemd systemd, int rounds) throws Exception {
        LauncherSettings settings = new LauncherSettings(List.of(), null, GRACE);
        LauncherProvider process = new ProcessLauncherProvider();
        LauncherProvider units = new SystemdLauncherProvider(systemd.busAddress());
        System.out.printf("%d rounds (after %d warm-up), %d CPUs, %s%n", rounds, WARM_UP,
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        try (Launcher processLauncher = process.create(settings); Launcher systemdLauncher = units.create(settings)) {
            report("start -> task running, process", launches(processLauncher, rounds));
            report("start -> task running, systemd", launches(systemdLauncher, rounds));
            report("kill() -> tree gone, process", processKills(processLauncher, rounds));
            report("kill() -> cgroup empty, systemd", cgroupKills(systemdLauncher, systemd, rounds));
            report("stop() -> onExit, process", stops(processLauncher, rounds));
            report("stop() -> onExit, systemd", stops(systemdLauncher, rounds));
        }
    }

    /** From start() until the task's first line has run (its marker file exists). */
    private List<Double> launches(Launcher launcher, int rounds) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int round = 0; round < WARM_UP + rounds; round++) {
            Job job = new Job(RUNNING);
            long started = System.nanoTime();
            TaskProcess task = launcher.start(job.spec());
            awaitTrue(() -> Files.exists(job.marker));
            long running = System.nanoTime();
            task.kill();
            task.onExit().get(30, TimeUnit.SECONDS);
            if (round >= WARM_UP) {
                millis.add((running - started) / 1e6);
            }
        }
        return millis;
    }

    /** From kill() until the unit's cgroup has no process left. */
    private List<Double> cgroupKills(Launcher launcher, NamespacedSystemd systemd, int rounds) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int round = 0; round < WARM_UP + rounds; round++) {
            Job job = new Job(TREE);
            TaskProcess task = launcher.start(job.spec());
            awaitTrue(() -> Files.exists(job.marker));
            Path procs = systemd.unitCgroup(job.unit()).orElseThrow(() -> new IllegalStateException(
                    "no cgroup found for " + job.unit() + " under " + systemd)).resolve("cgroup.procs");
            long kill = System.nanoTime();
            task.kill();
            awaitTrue(() -> isEmptyOrGone(procs));
            long empty = System.nanoTime();
            task.onExit().get(30, TimeUnit.SECONDS);
            if (round >= WARM_UP) {
                millis.add((empty - kill) / 1e6);
            }
        }
        return millis;
    }

    /** From kill() until no process of the task's tree is alive (the process launcher has no cgroup). */
    private List<Double> processKills(Launcher launcher, int rounds) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int round = 0; round < WARM_UP + rounds; round++) {
            Job job = new Job(TREE);
            TaskProcess task = launcher.start(job.spec());
            awaitTrue(() -> Files.exists(job.marker));
            long kill = System.nanoTime();
            task.kill();
            task.onExit().get(30, TimeUnit.SECONDS);
            long gone = System.nanoTime();
            if (round >= WARM_UP) {
                millis.add((gone - kill) / 1e6);
            }
        }
        return millis;
    }

    /** The ladder on a tree that obeys SIGTERM: from stop() until onExit completes. */
    private List<Double> stops(Launcher launcher, int rounds) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int round = 0; round < WARM_UP + rounds; round++) {
            Job job = new Job(TREE);
            TaskProcess task = launcher.start(job.spec());
            awaitTrue(() -> Files.exists(job.marker));
            long stop = System.nanoTime();
            task.stop().get(30, TimeUnit.SECONDS);
            long done = System.nanoTime();
            if (round >= WARM_UP) {
                millis.add((done - stop) / 1e6);
            }
        }
        return millis;
    }

    private static boolean isEmptyOrGone(Path procs) {
        try {
            return Files.readString(procs).isBlank();
        } catch (IOException gone) {
            return true;
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(0, 200_000);
        }
    }

    private static void report(String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("%-34s median %7.1f ms   p90 %7.1f ms   min %7.1f ms   max %7.1f ms%n", what,
                sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    /** A script job with its own directory under target/ (units cannot see this JVM's /tmp). */
    private final class Job {
        final String launchId = UUID.randomUUID().toString();
        final Path dir;
        final Path script;
        final Path marker;

        Job(String body) throws IOException {
            dir = Files.createDirectories(work.resolve(launchId));
            script = Files.writeString(dir.resolve("job.sh"), body);
            marker = dir.resolve("running");
        }

        String unit() {
            return "runway-task-" + launchId + ".service";
        }

        LaunchSpec spec() {
            return new LaunchSpec(launchId, List.of("/bin/sh", script.toString()),
                    Map.of("MARKER", marker.toString(), "PATH", "/usr/bin:/bin"), dir, new byte[0],
                    dir.resolve("output.log"), Limits.NONE);
        }
    }
}
