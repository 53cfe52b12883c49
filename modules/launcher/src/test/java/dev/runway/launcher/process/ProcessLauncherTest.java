package dev.runway.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.testsupport.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The portable launcher with real child processes. */
@EnabledOnOs(OS.LINUX)
class ProcessLauncherTest {
    /** CircleCI's prefix contract in its smallest form: run the arguments, pass on their exit code. */
    private static final List<String> SH_PREFIX = List.of("sh", "-c", "\"$@\"", "prefix");

    @TempDir
    Path dir;
    private final String token = ProcessScan.uniqueSleep();
    private Launcher launcher;

    @AfterEach
    void cleanUp() {
        if (launcher != null) {
            launcher.close();
        }
        ProcessScan.killAll(token);
    }

    private Launcher launcher(List<String> prefix, String taskUser) throws LaunchException {
        launcher = new ProcessLauncherProvider().create(new LauncherSettings(prefix, taskUser, Duration.ofSeconds(1)));
        return launcher;
    }

    private LaunchSpec spec(String script, byte[] stdin) {
        return new LaunchSpec("launch-" + UUID.randomUUID(), List.of("sh", "-c", script),
                Map.of("T", token, "CIRCLECI_LAUNCH_ID", "L1"), dir, stdin, dir.resolve("task.log"), Limits.NONE);
    }

    private static ExitStatus await(TaskProcess task) throws Exception {
        return task.onExit().get(20, TimeUnit.SECONDS);
    }

    @Test
    void theExitCodePassesThroughTheCommandPrefix() throws Exception {
        assertThat(await(launcher(SH_PREFIX, null).start(spec("exit 7", new byte[0])))).isEqualTo(ExitStatus.exited(7));
    }

    @Test
    void withoutAPrefixTheCommandRunsDirectlyInItsWorkingDirectory() throws Exception {
        TaskProcess task = launcher(List.of(), null).start(spec("pwd > where; exit 3", new byte[0]));
        assertThat(await(task)).isEqualTo(ExitStatus.exited(3));
        assertThat(Files.readString(dir.resolve("where")).trim()).isEqualTo(dir.toRealPath().toString());
    }

    @Test
    void stdinIsDeliveredThenClosed() throws Exception {
        byte[] secret = "task-token-\u00e9\n".getBytes(StandardCharsets.UTF_8);
        // cat ends only at end of file: the task finishing proves stdin was closed.
        TaskProcess task = launcher(SH_PREFIX, null).start(spec("cat > got", secret));
        assertThat(await(task).success()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(secret);
    }

    @Test
    void theTaskStartsBeforeItsStandardInputIsMadeAndGetsItOnceItIs() throws Exception {
        byte[] secret = "task-token\n{\"job\": 1}".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<byte[]> input = new CompletableFuture<>();
        Launcher started = launcher(List.of(), null);
        // "up" is written before the read: the task runs while its input (the job being fetched) is not there yet
        TaskProcess task = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> started.start(spec("echo started > up; cat > got", new byte[0]), input));
        awaitFile(dir.resolve("up"));
        assertThat(task.onExit()).isNotDone();
        input.complete(secret.clone());
        assertThat(await(task).success()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(secret);
    }

    @Test
    void inputThatFailsIsNotWrittenAndStandardInputIsClosed() throws Exception {
        CompletableFuture<byte[]> input = new CompletableFuture<>();
        TaskProcess task = launcher(List.of(), null).start(spec("cat > got", new byte[0]), input);
        input.completeExceptionally(new IllegalStateException("no job"));
        assertThat(await(task).success()).isTrue(); // cat ended: stdin was closed
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEmpty();
    }

    @Test
    void aStandbyWaitsForItsTaskOnStandardInputThenRunsIt() throws Exception {
        // "started" is written before the read: the standby is up before it has a task
        StandbyProcess standby = launcher(List.of(), null).startStandby(spec("echo started > up; cat > got",
                "never written".getBytes(StandardCharsets.UTF_8))).orElseThrow();
        awaitFile(dir.resolve("up"));
        assertThat(standby.onExit()).isNotDone();
        byte[] task = "{\"task_id\":\"t\"}\ntoken\n".getBytes(StandardCharsets.UTF_8);
        standby.handOver(task);
        assertThat(await(standby).success()).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(task);
    }

    @Test
    void aDismissedStandbyReadsTheEndOfItsInputAndExits() throws Exception {
        StandbyProcess standby = launcher(List.of(), null)
                .startStandby(spec("cat > got; exit 4", new byte[0])).orElseThrow();
        standby.dismiss();
        assertThat(await(standby)).isEqualTo(ExitStatus.exited(4));
        assertThat(Files.readAllBytes(dir.resolve("got"))).isEmpty();
    }

    @Test
    void aStandbyThatHasEndedRefusesItsTask() throws Exception {
        StandbyProcess standby = launcher(List.of(), null).startStandby(spec("exit 9", new byte[0])).orElseThrow();
        await(standby);
        assertThatThrownBy(() -> standby.handOver("token\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("has exited (exit status 9)")
                .hasMessageNotContaining("token");
    }

    @Test
    void theTaskAgentSaysItsResultIsInBeforeItExitsAndItsOutputStillReachesTheLog() throws Exception {
        Path release = dir.resolve("release");
        // what a task agent prints: lines on both streams, then the line on standard output, then it still runs
        TaskProcess task = launcher(List.of(), null).start(spec("echo before; echo to-stderr >&2; printf '%s\\n' '"
                + TaskProcess.RESULT_REPORTED_LINE + "'; while [ ! -e " + release + " ]; do sleep 0.05; done;"
                + " echo after", new byte[0]));
        task.resultReported().get(20, TimeUnit.SECONDS);
        assertThat(task.onExit()).as("reported while it still runs").isNotDone();
        Files.createFile(release);
        assertThat(await(task).success()).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                Files.readString(dir.resolve("task.log"))).contains("before\n", "to-stderr\n",
                        TaskProcess.RESULT_REPORTED_LINE + "\n", "after\n"));
    }

    private static void awaitFile(Path file) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(25))
                .untilAsserted(() -> assertThat(file).exists());
    }

    @Test
    void outputAndErrorsAreAppendedToTheLog() throws Exception {
        Files.writeString(dir.resolve("task.log"), "earlier line\n");
        await(launcher(List.of(), null).start(spec("echo out; echo err >&2; echo out2", new byte[0])));
        // in the log when the exit is known; standard output passes through the agent, so the two streams' lines
        // keep their own order but not their order between them
        List<String> lines = Files.readAllLines(dir.resolve("task.log"));
        assertThat(lines).startsWith("earlier line").containsExactlyInAnyOrder("earlier line", "out", "err", "out2");
        assertThat(lines.indexOf("out")).isLessThan(lines.indexOf("out2"));
    }

    @Test
    void theTaskSeesItsEnvironmentAndTheMarkerButNothingOfTheAgent() throws Exception {
        await(launcher(List.of(), null).start(spec("env > env.txt", new byte[0])));
        Map<String, String> seen = Files.readAllLines(dir.resolve("env.txt")).stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> b));
        assertThat(seen).containsEntry("CIRCLECI_LAUNCH_ID", "L1").containsEntry("T", token)
                .containsKey(LaunchMarker.LAUNCH_ID).containsKey(LaunchMarker.LAUNCH_AGENT);
        Set<String> shellOwn = Set.of("PWD", "SHLVL", "_", "OLDPWD");
        Set<String> agentOnly = System.getenv().keySet().stream().filter(k -> !k.equals("PATH"))
                .filter(k -> !shellOwn.contains(k)).collect(Collectors.toSet());
        assertThat(seen.keySet()).doesNotContainAnyElementsOf(agentOnly);
    }

    @Test
    void whatAFinishedTaskLeftRunningIsKilledBeforeOnExitCompletes() throws Exception {
        TaskProcess task = launcher(SH_PREFIX, null)
                .start(spec("setsid sleep $T & (sleep $T &) & nohup sleep $T >/dev/null 2>&1 & sleep 0.3; exit 4",
                        new byte[0]));
        assertThat(await(task)).isEqualTo(ExitStatus.exited(4));
        assertThat(ProcessScan.pidsWith(token)).isEmpty();
    }

    @Test
    void stopRunsTheLadderOnTheWholeTree() throws Exception {
        TaskProcess task = launcher(SH_PREFIX, null)
                .start(spec("trap '' TERM; setsid sleep $T & (sleep $T &) & sleep $T", new byte[0]));
        ProcessScan.awaitCount(token, 3);
        long started = System.nanoTime();
        ExitStatus status = task.stop().get(20, TimeUnit.SECONDS);
        // The prefix shell dies of SIGTERM; what ignores it gets SIGKILL after the grace.
        assertThat(status).isEqualTo(ExitStatus.killed(15));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(ProcessScan.pidsWith(token)).isEmpty();
        assertThat(task.stop()).isSameAs(task.onExit());
    }

    @Test
    void aTaskThatHonoursSigtermEndsWithinTheGrace() throws Exception {
        TaskProcess task = launcher(List.of(), null)
                .start(spec("trap 'exit 5' TERM; sleep $T & while :; do sleep 0.05; done", new byte[0]));
        ProcessScan.awaitCount(token, 1);
        assertThat(task.stop().get(20, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(5));
        assertThat(ProcessScan.pidsWith(token)).isEmpty();
    }

    @Test
    void killDuringTheGraceOfAStopDoesNotWaitForIt() throws Exception {
        launcher = new ProcessLauncherProvider().create(new LauncherSettings(List.of(), null, Duration.ofSeconds(60)));
        // a watcher that notes the ladder's SIGTERM, started before the task ignores TERM (an ignored signal is inherited)
        TaskProcess task = launcher.start(spec("sh -c 'trap \"touch termed; exit 0\" TERM; while :; do sleep 0.05; done' &"
                + " trap '' TERM; sleep $T", new byte[0]));
        ProcessScan.awaitCount(token, 1);
        task.stop();
        awaitFile(dir.resolve("termed")); // the ladder is now in its 60 s grace
        task.kill();
        assertThat(await(task)).isEqualTo(ExitStatus.killed(9));
        assertThat(ProcessScan.pidsWith(token)).isEmpty();
    }

    @Test
    void killEndsEverythingAtOnce() throws Exception {
        TaskProcess task = launcher(List.of(), null).start(spec("setsid sleep $T & sleep $T", new byte[0]));
        ProcessScan.awaitCount(token, 2);
        task.kill();
        assertThat(await(task)).isEqualTo(ExitStatus.killed(9));
        assertThat(ProcessScan.pidsWith(token)).isEmpty();
    }

    @Test
    void theOomScoreAdjustmentReachesEveryProcessOfTheTask() throws Exception {
        LaunchSpec spec = new LaunchSpec("L3", List.of("sh", "-c", "sh -c 'cat /proc/self/oom_score_adj' > oom"),
                Map.of(), dir, new byte[0], dir.resolve("log"), new Limits(0, 0, 500));
        assertThat(await(launcher(SH_PREFIX, null).start(spec)).success()).isTrue();
        assertThat(Files.readString(dir.resolve("oom")).trim()).isEqualTo("500");
    }

    @Test
    void aMissingWorkingDirectoryIsAClearError() throws Exception {
        LaunchSpec spec = new LaunchSpec("L2", List.of("true"), Map.of(), dir.resolve("nope"), new byte[0],
                dir.resolve("log"), Limits.NONE);
        assertThatThrownBy(() -> launcher(List.of(), null).start(spec)).isInstanceOf(LaunchException.class)
                .hasMessageContaining("nope").hasMessageContaining("L2");
    }

    @Test
    void taskUserSwitchesUserWhenTheAgentIsRoot() throws Exception {
        Assumptions.assumeTrue("0".equals(Commands.output("id", "-u").orElse("")), "needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        TaskProcess task = launcher(List.of(), "nobody").start(spec("id -un > who; echo $RUNWAY_LAUNCH_ID > marker",
                new byte[0]));
        assertThat(await(task).success()).isTrue();
        assertThat(Files.readString(dir.resolve("who")).trim()).isEqualTo("nobody");
        assertThat(Files.readString(dir.resolve("marker")).trim()).startsWith("launch-");
    }

    @Test
    void anUnknownTaskUserIsRefusedAtCreation() {
        assertThatThrownBy(() -> launcher(List.of(), "no-such-user-xyz")).isInstanceOf(LaunchException.class)
                .hasMessageContaining("runner.task_user 'no-such-user-xyz' does not exist");
    }

    @Test
    void theUserSwitchIsGeneratedOnlyWithoutACommandPrefix() throws Exception {
        // With a prefix the prefix owns the switch (CircleCI's sudo -niHu USER --): no check, no second switch.
        launcher(SH_PREFIX, "no-such-user-xyz").close();
        assertThat(UserSwitch.none().wrap(List.of("a"), Map.of("K", "V"))).containsExactly("a");
    }

    @Test
    void leftoversOfADeadAgentAreFoundAndRemoved() throws Exception {
        // A process marked by an agent that no longer runs (a pid above pid_max never runs).
        ProcessBuilder orphan = new ProcessBuilder("setsid", "sleep", token);
        orphan.environment().put(LaunchMarker.LAUNCH_ID, "crashed-" + token);
        orphan.environment().put(LaunchMarker.LAUNCH_AGENT, "999999999:42");
        orphan.start();
        // A process of a live launch of this very agent is not a leftover.
        TaskProcess live = launcher(List.of(), null).start(spec("sleep $T", new byte[0]));
        ProcessScan.awaitCount(token, 2);

        List<Leftover> found = launcher.findLeftovers();
        assertThat(found).extracting(Leftover::launchId).containsExactly("crashed-" + token);
        assertThat(found.get(0).description()).contains("1 process(es)").contains("sleep " + token);

        launcher.remove(found.get(0));
        assertThat(ProcessScan.pidsWith(token)).hasSize(1);
        assertThat(live.onExit()).isNotDone();
        assertThat(launcher.findLeftovers()).isEmpty();
    }

    @Test
    void exitValuesAbove128AreReadAsSignals() {
        assertThat(TrackedTaskProcess.status(143)).isEqualTo(ExitStatus.killed(15));
        assertThat(TrackedTaskProcess.status(1)).isEqualTo(ExitStatus.exited(1));
        assertThat(TrackedTaskProcess.status(255)).isEqualTo(ExitStatus.exited(255));
    }
}
