package dev.runway.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runway.launcher.Availability;
import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.systemd.SystemdLauncherProvider;
import dev.runway.testsupport.NamespacedSystemd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The systemd launcher against a real systemd booted in a namespace: units, users, cgroups, kill ladder, leftovers. */
class SystemdLauncherTests {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final String TOKEN = "test-token-" + UUID.randomUUID();

    private static NamespacedSystemd systemd;
    private static SystemdLauncherProvider provider;
    private static Path work;

    @BeforeAll
    static void boot() throws Exception {
        systemd = NamespacedSystemd.boot();
        provider = new SystemdLauncherProvider(systemd.busAddress());
        // Units see this JVM's files except /tmp, /run and /var/tmp: scripts and work dirs live under target/.
        work = Files.createDirectories(Path.of("target", "systemd-launcher-tests").toAbsolutePath());
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void shutDown() {
        if (systemd != null) {
            systemd.close();
        }
    }

    @Test
    void probeSaysAvailableOnlyWhereSystemdAnswers() {
        assertThat(provider.probe()).isEqualTo(Availability.available());
        Availability nowhere = new SystemdLauncherProvider("unix:path=" + work.resolve("no-such-socket")).probe();
        assertThat(nowhere.isAvailable()).isFalse();
        assertThat(nowhere.reason()).contains("no-such-socket");
    }

    @Test
    void runsTheTaskAsTheTaskUserInItsOwnCgroupWithTheTokenOnStdinOnly() throws Exception {
        try (Launcher launcher = provider.create(settings("nobody"))) {
            Job job = new Job("""
                    read -r token
                    echo "stdin=$token"
                    echo "uid=$(id -u) gid=$(id -g) home=$HOME greeting=$GREETING pwd=$(pwd)"
                    cat /proc/self/cgroup
                    touch "$MARKER"
                    exec sleep 60
                    """);
            TaskProcess task = launcher.start(job.spec(Map.of("GREETING", "hello world")));
            job.awaitMarker();

            List<Long> pids = NamespacedSystemd.processesOfUnit(job.unit());
            assertThat(pids).isNotEmpty();
            for (long pid : pids) {
                Path proc = Path.of("/proc", Long.toString(pid));
                assertThat(Files.readString(proc.resolve("cmdline"))).doesNotContain(TOKEN);
                assertThat(Files.readString(proc.resolve("environ"))).doesNotContain(TOKEN);
                assertThat(Files.readString(proc.resolve("status"))).containsPattern("Uid:\\s+65534\\s");
            }
            assertThat(systemd.hostPid(task.pid())).isPresent();

            assertThat(task.stop().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.killed(15));
            String output = job.output();
            assertThat(output).contains("stdin=" + TOKEN).contains("uid=65534 gid=65534")
                    .contains("greeting=hello world").contains("pwd=" + job.dir);
            assertThat(output).containsPattern("(?m)^0::.*/system\\.slice/" + job.unit().replace(".", "\\.") + "$");
            assertThat(NamespacedSystemd.processesOfUnit(job.unit())).isEmpty();
        }
    }

    /** A standby's unit is up before its task exists, and reads the task from the pipe held open for it. */
    @Test
    void aStandbyUnitWaitsForItsTaskOnStandardInputThenRunsIt() throws Exception {
        try (Launcher launcher = provider.create(settings("nobody"))) {
            Job job = new Job("""
                    touch "$MARKER"
                    read -r task
                    read -r token
                    echo "task=$task stdin=$token uid=$(id -u)"
                    """);
            StandbyProcess standby = launcher.startStandby(job.spec(Map.of())).orElseThrow();
            job.awaitMarker();
            assertThat(standby.onExit()).isNotDone();
            assertThat(NamespacedSystemd.processesOfUnit(job.unit())).isNotEmpty();

            standby.handOver(("{\"task_id\":\"t-1\"}\n" + TOKEN + "\n").getBytes(StandardCharsets.UTF_8));

            assertThat(standby.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(job.output()).contains("task={\"task_id\":\"t-1\"} stdin=" + TOKEN + " uid=65534");
        }
    }

    @Test
    void aDismissedStandbyUnitReadsTheEndOfItsInputAndEnds() throws Exception {
        try (Launcher launcher = provider.create(settings(null))) {
            Job job = new Job("""
                    touch "$MARKER"
                    cat > /dev/null
                    exit 4
                    """);
            StandbyProcess standby = launcher.startStandby(job.spec(Map.of())).orElseThrow();
            job.awaitMarker();

            standby.dismiss();

            assertThat(standby.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(4));
            assertThatThrownBy(() -> standby.handOver("late\n".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(LaunchException.class).hasMessageContaining("has ended");
        }
    }

    @Test
    void reportsExitCodesAndKillingSignals() throws Exception {
        try (Launcher launcher = provider.create(settings(null))) {
            assertThat(run(launcher, "exit 0")).isEqualTo(ExitStatus.exited(0));
            assertThat(run(launcher, "exit 3")).isEqualTo(ExitStatus.exited(3));
            assertThat(run(launcher, "kill -9 $$")).isEqualTo(ExitStatus.killed(9));
        }
    }

    @Test
    void stopKillsATreeThatEscapedWithSetsidDoubleForkAndSigstop() throws Exception {
        try (Launcher launcher = provider.create(settings("nobody"))) {
            Job job = new Job("""
                    setsid sh -c 'exec sleep 600' &
                    sh -c 'sh -c "exec sleep 600" &' &
                    sh -c 'kill -STOP $$; exec sleep 600' &
                    sh -c 'trap "" TERM; while :; do sleep 1; done' &
                    sleep 1
                    touch "$MARKER"
                    wait
                    """);
            TaskProcess task = launcher.start(job.spec(Map.of()));
            job.awaitMarker();
            List<Long> before = NamespacedSystemd.processesOfUnit(job.unit());
            assertThat(before).hasSizeGreaterThanOrEqualTo(6);

            ExitStatus status = task.stop().get(GRACE.toSeconds() + 30, TimeUnit.SECONDS);

            assertThat(status.success()).isFalse();
            assertThat(NamespacedSystemd.processesOfUnit(job.unit())).isEmpty();
            assertThat(before).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("pid %d", pid).isEmpty());
        }
    }

    @Test
    void aTaskThatEndsTakesItsDaemonsWithIt() throws Exception {
        try (Launcher launcher = provider.create(settings(null))) {
            Job job = new Job("""
                    setsid sh -c 'exec sleep 600' &
                    touch "$MARKER"
                    exit 0
                    """);
            TaskProcess task = launcher.start(job.spec(Map.of()));
            assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(NamespacedSystemd.processesOfUnit(job.unit())).isEmpty();
        }
    }

    @Test
    void aNewLauncherFindsAndRemovesWhatAKilledAgentLeft() throws Exception {
        Job orphan = new Job("touch \"$MARKER\"; exec sleep 600");
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingLaunchAgent.class.getName(),
                systemd.busAddress(), orphan.launchId, orphan.script.toString(), orphan.dir.toString())
                .redirectErrorStream(true).redirectOutput(orphan.dir.resolve("agent.log").toFile()).start();
        orphan.awaitMarker();
        agent.destroyForcibly().waitFor(); // kill -9: its bus connection, and its reference on the unit, go

        try (Launcher alive = provider.create(settings(null)); Launcher restarted = provider.create(settings(null))) {
            Job owned = new Job("touch \"$MARKER\"; exec sleep 600");
            TaskProcess ownedTask = alive.start(owned.spec(Map.of()));
            owned.awaitMarker();

            List<Leftover> leftovers = awaitLeftovers(restarted);
            assertThat(leftovers).extracting(Leftover::launchId).containsExactly(orphan.launchId);
            assertThat(leftovers.get(0).description()).contains(orphan.unit());
            restarted.remove(leftovers.get(0));

            assertThat(NamespacedSystemd.processesOfUnit(orphan.unit())).isEmpty();
            assertThat(awaitUnitGone(orphan.unit())).as("units left: %s", listTaskUnits()).isTrue();
            assertThat(restarted.findLeftovers()).isEmpty();
            assertThat(NamespacedSystemd.processesOfUnit(owned.unit())).as("a live agent's task is not touched")
                    .isNotEmpty();
            ownedTask.stop().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void setsTheTasksLimitsOnItsUnit() throws Exception {
        try (Launcher launcher = provider.create(settings(null))) {
            Job job = new Job("echo \"oom=$(cat /proc/self/oom_score_adj)\"; touch \"$MARKER\"; exec sleep 60");
            LaunchSpec limited = job.spec(Map.of());
            limited = new LaunchSpec(limited.launchId(), limited.command(), limited.environment(),
                    limited.workingDirectory(), limited.stdin(), limited.outputLog(),
                    new Limits(512L * 1024 * 1024, 64, 500));
            TaskProcess task = launcher.start(limited);
            job.awaitMarker();

            String shown = systemd.run("systemctl", "show", "-p", "MemoryMax", "-p", "TasksMax", "-p",
                    "OOMScoreAdjust", "-p", "KillMode", "-p", "TimeoutStopUSec", "-p", "CollectMode", job.unit());
            assertThat(shown).contains("MemoryMax=536870912", "TasksMax=64", "OOMScoreAdjust=500",
                    "KillMode=control-group", "TimeoutStopUSec=2s", "CollectMode=inactive-or-failed");
            assertThat(job.output()).contains("oom=500");
            task.stop().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadTaskUserIsALaunchErrorNamingTheUnit() throws Exception {
        try (Launcher launcher = provider.create(settings("no-such-user-runway"))) {
            Job job = new Job("exit 0");
            assertThatThrownBy(() -> launcher.start(job.spec(Map.of()))).isInstanceOf(LaunchException.class)
                    .hasMessageContaining(job.unit()).hasMessageContaining("217");
            assertThat(awaitUnitGone(job.unit())).isTrue();
        }
    }

    private static ExitStatus run(Launcher launcher, String script) throws Exception {
        return launcher.start(new Job(script).spec(Map.of())).onExit().get(30, TimeUnit.SECONDS);
    }

    private static LauncherSettings settings(String taskUser) {
        return new LauncherSettings(List.of(), taskUser, GRACE);
    }

    /** systemd drops a dead client's references once the bus reports the disconnect: a moment after the kill. */
    private static List<Leftover> awaitLeftovers(Launcher launcher) {
        try {
            return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                    .until(launcher::findLeftovers, leftovers -> !leftovers.isEmpty());
        } catch (ConditionTimeoutException e) {
            return launcher.findLeftovers();
        }
    }

    private static boolean awaitUnitGone(String unit) {
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                    .until(() -> !listTaskUnits().contains(unit));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static String listTaskUnits() throws IOException, InterruptedException {
        return systemd.run("systemctl", "list-units", "--all", "--no-legend", "--plain", "runway-task-*");
    }

    /** A shell script job with its own directory (world-writable, for the task user) under target/. */
    private static final class Job {
        final String launchId = UUID.randomUUID().toString();
        final Path dir;
        final Path marker;
        final Path script;
        final Path log;

        Job(String body) throws IOException {
            dir = Files.createDirectories(work.resolve(launchId));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            marker = dir.resolve("ready");
            script = Files.writeString(dir.resolve("job.sh"), body);
            log = dir.resolve("output.log");
        }

        String unit() {
            return "runway-task-" + launchId + ".service";
        }

        LaunchSpec spec(Map<String, String> environment) {
            Map<String, String> env = new java.util.HashMap<>(environment);
            env.put("MARKER", marker.toString());
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            return new LaunchSpec(launchId, List.of("sh", script.toString()), env, dir,
                    (TOKEN + "\n").getBytes(StandardCharsets.UTF_8), log, Limits.NONE);
        }

        void awaitMarker() {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(
                    () -> assertThat(marker).as("job %s started (output: %s)", launchId, output()).exists());
        }

        String output() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }
    }
}
