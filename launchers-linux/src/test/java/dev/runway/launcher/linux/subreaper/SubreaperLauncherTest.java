package dev.runway.launcher.linux.subreaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.testsupport.ProcessScan;
import dev.runway.testsupport.SharedDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The subreaper launcher with real processes, outside systemd. Marks this test JVM a child subreaper (for good: the
 * flag cannot be taken back from a running JVM without side effects on other tests, and none here mind it).
 */
class SubreaperLauncherTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final SubreaperLauncherProvider PROVIDER = new SubreaperLauncherProvider();
    private static Launcher launcher;
    /** Where the jobs' scripts and directories live: the task user must reach them, wherever the checkout is. */
    private static SharedDirectory work;

    @BeforeAll
    static void create() throws Exception {
        assumeTrue(PROVIDER.probe().isAvailable(), () -> "subreaper unavailable: " + PROVIDER.probe().reason());
        launcher = PROVIDER.create(new LauncherSettings(List.of(), null, GRACE));
        work = SharedDirectory.create("runway-subreaper-tests-");
    }

    @AfterAll
    static void close() {
        if (launcher != null) {
            launcher.close();
        }
        if (work != null) {
            work.close();
        }
    }

    @Test
    void stopKillsATreeThatEscapedWithSetsidDoubleForkSigstopAndAScrubbedEnvironment() throws Exception {
        Job job = new Job("""
                setsid sh -c 'echo $$ >> "$PIDS"; exec sleep 600' &
                sh -c 'sh -c "echo \\$\\$ >> \\"$PIDS\\"; exec sleep 600" &' &
                sh -c 'echo $$ >> "$PIDS"; kill -STOP $$; exec sleep 600' &
                sh -c 'env -i PIDS="$PIDS" setsid sh -c "echo \\$\\$ >> \\"\\$PIDS\\"; exec sleep 600" &' &
                sh -c 'trap "" TERM; echo $$ >> "$PIDS"; while :; do sleep 1; done' &
                while [ "$(wc -l < "$PIDS")" -lt 5 ]; do sleep 0.1; done
                touch "$MARKER"
                wait
                """);
        TaskProcess task = launcher.start(job.spec());
        job.awaitMarker();
        List<Long> escaped = job.pids();
        assertThat(escaped).hasSize(5).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isTrue());
        awaitReparented(escaped, task.pid()); // the double-forked ones are orphans of this JVM now

        ExitStatus status = task.stop().get(GRACE.toSeconds() + 30, TimeUnit.SECONDS);

        assertThat(status.success()).isFalse();
        assertThat(escaped).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
    }

    @Test
    void aTaskThatEndsTakesItsScrubbedDaemonWithIt() throws Exception {
        Job job = new Job("""
                sh -c 'env -i PIDS="$PIDS" setsid sh -c "echo \\$\\$ >> \\"\\$PIDS\\"; exec sleep 600" &'
                while [ "$(wc -l < "$PIDS")" -lt 1 ]; do sleep 0.1; done
                sleep 0.3
                exit 0
                """);
        TaskProcess task = launcher.start(job.spec());

        assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
        assertThat(job.pids()).hasSize(1)
                .allSatisfy(pid -> assertThat(alive(pid)).as("pid %d (%s)", pid, describe(pid)).isFalse());
    }

    @Test
    void aStandbyTakesItsTaskAndTheDaemonItsTaskLeftGoesWithIt() throws Exception {
        Job job = new Job("");
        StandbyProcess standby = launcher.startStandby(job.standbySpec()).orElseThrow();
        awaitBlocked(standby.pid()); // its shell has started and waits on its standard input
        assertThat(standby.onExit()).as("waiting for its task").isNotDone();

        standby.handOver("""
                sh -c 'env -i PIDS="$PIDS" setsid sh -c "echo \\$\\$ >> \\"\\$PIDS\\"; exec sleep 600" &'
                while [ "$(wc -l < "$PIDS")" -lt 1 ]; do sleep 0.1; done
                sleep 0.3
                exit 0
                """.getBytes(StandardCharsets.UTF_8));

        assertThat(standby.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
        assertThat(job.pids()).hasSize(1)
                .allSatisfy(pid -> assertThat(alive(pid)).as("pid %d (%s)", pid, describe(pid)).isFalse());
    }

    @Test
    void aDaemonThatARunningTaskLeavesWhileTheStandbyWaitsStaysWithThatTask() throws Exception {
        Job running = new Job("""
                while [ ! -e "$MARKER.go" ]; do sleep 0.05; done
                sh -c 'env -i PIDS="$PIDS" setsid sh -c "echo \\$\\$ >> \\"\\$PIDS\\"; exec sleep 600" &'
                while [ "$(wc -l < "$PIDS")" -lt 1 ]; do sleep 0.1; done
                touch "$MARKER"
                exec sleep 600
                """);
        TaskProcess task = launcher.start(running.spec());
        // start times count in ticks of 10 ms: the standby starts ticks later than the task
        ProcessScan.awaitTickAfter(task.pid());
        StandbyProcess standby = launcher.startStandby(new Job("").standbySpec()).orElseThrow();
        ProcessScan.awaitTickAfter(standby.pid()); // and the daemon ticks later than the standby
        Files.createFile(Path.of(running.marker + ".go"));
        running.awaitMarker();
        long daemon = running.pids().get(0);
        awaitReparented(List.of(daemon), task.pid()); // an orphan of this JVM now

        standby.dismiss();
        assertThat(standby.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));

        assertThat(alive(daemon)).as("the running task's daemon, after the standby ended (%s)", describe(daemon))
                .isTrue();
        task.stop().get(GRACE.toSeconds() + 30, TimeUnit.SECONDS);
        assertThat(alive(daemon)).as("the daemon, after its task was stopped").isFalse();
    }

    @Test
    void reportsExitCodesAndKillingSignals() throws Exception {
        assertThat(run("exit 0")).isEqualTo(ExitStatus.exited(0));
        assertThat(run("exit 3")).isEqualTo(ExitStatus.exited(3));
        assertThat(run("kill -9 $$")).isEqualTo(ExitStatus.killed(9));
    }

    @Test
    void reapsDeadOrphansButLeavesTheJvmsOwnChildrenToIt() throws Exception {
        Job job = new Job("""
                sh -c 'setsid sh -c "echo \\$\\$ >> \\"$PIDS\\"; sleep 0.5" &'
                touch "$MARKER"
                exec sleep 600
                """);
        TaskProcess task = launcher.start(job.spec());
        job.awaitMarker();
        Process own = new ProcessBuilder("sh", "-c", "sleep 1.5; exit 7").start();

        long orphan = job.pids().get(0);
        assertThat(awaitGone(orphan)).as("orphan %d reaped (state %s)", orphan, state(orphan)).isTrue();
        assertThat(own.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(own.exitValue()).as("exit status of the JVM's own child").isEqualTo(7);
        task.stop().get(30, TimeUnit.SECONDS);
    }

    @Test
    void runsTheTaskAsTheTaskUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching to the task user needs root");
        try (Launcher asNobody = PROVIDER.create(new LauncherSettings(List.of(), "nobody", GRACE))) {
            Job job = new Job("read -r token; echo \"uid=$(id -u) token=$token\"");
            TaskProcess task = asNobody.start(job.spec());
            assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(Files.readString(job.log)).contains("uid=65534 token=" + job.token);
        }
    }

    private static ExitStatus run(String script) throws Exception {
        return launcher.start(new Job(script).spec()).onExit().get(30, TimeUnit.SECONDS);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !state(pid).equals("Z");
    }

    /** The /proc/PID/stat line, for failure messages. */
    private static String describe(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat")).strip() + "; agent "
                    + ProcessHandle.current().pid();
        } catch (IOException gone) {
            return "gone";
        }
    }

    /** The /proc state letter of a process, "" when gone. */
    private static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException gone) {
            return "";
        }
    }

    private static boolean awaitGone(long pid) {
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> state(pid).isEmpty());
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Waits until each of {@code pids} is a child of the task's root or, its parent gone, of this JVM. */
    private static void awaitReparented(List<Long> pids, long taskRoot) {
        Set<Long> parents = Set.of(taskRoot, ProcessHandle.current().pid());
        await("re-parented: " + pids).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> pids.stream().allMatch(pid -> parents.contains(ProcessScan.statField(pid, 4))));
    }

    /** Waits until {@code pid} sleeps in a blocking call (state S): its shell has read all it can. */
    private static void awaitBlocked(long pid) {
        await("pid " + pid + " blocked").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> state(pid).equals("S"));
    }

    /** A shell script job with a world-writable directory (for the task user) in {@link #work}. */
    private static final class Job {
        final String launchId = UUID.randomUUID().toString();
        final String token = "token-" + UUID.randomUUID();
        final Path dir;
        final Path script;
        final Path log;
        final Path pidsFile;
        final Path marker;

        Job(String body) throws IOException {
            dir = work.writableDirectory(launchId);
            script = Files.writeString(dir.resolve("job.sh"), body);
            log = dir.resolve("output.log");
            pidsFile = Files.writeString(dir.resolve("pids"), "");
            Files.setPosixFilePermissions(pidsFile, PosixFilePermissions.fromString("rw-rw-rw-"));
            marker = dir.resolve("ready");
        }

        LaunchSpec spec() {
            return new LaunchSpec(launchId, List.of("/bin/sh", script.toString()),
                    Map.of("PIDS", pidsFile.toString(), "MARKER", marker.toString()), dir,
                    (token + "\n").getBytes(StandardCharsets.UTF_8), log, Limits.NONE);
        }

        /** A shell that waits for its script on standard input: a standby whose task is that script. */
        LaunchSpec standbySpec() {
            return new LaunchSpec(launchId, List.of("/bin/sh", "-s"),
                    Map.of("PIDS", pidsFile.toString(), "MARKER", marker.toString()), dir, new byte[0], log,
                    Limits.NONE);
        }

        void awaitMarker() {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(marker).as("job started (output: %s)", Files.exists(log) ? Files.readString(log) : "")
                            .exists());
        }

        List<Long> pids() throws IOException {
            return Files.readAllLines(pidsFile).stream().filter(l -> !l.isBlank()).map(String::trim)
                    .map(Long::parseLong).collect(Collectors.toList());
        }
    }
}
