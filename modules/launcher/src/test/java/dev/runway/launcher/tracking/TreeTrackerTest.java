package dev.runway.launcher.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.testsupport.ProcessScan;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shared tracker against real escaping process trees, with the Linux /proc table. Every process a test starts
 * carries a unique token in its argv, so survivors are counted exactly; siblings started by the test must survive.
 */
@EnabledOnOs(OS.LINUX)
class TreeTrackerTest {
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final ProcessTable table = new ProcFsProcessTable();
    private final RecordingSignaller signals = new RecordingSignaller(new PosixSignaller(table));
    private final String token = ProcessScan.uniqueSleep();
    private final String siblingToken = ProcessScan.uniqueSleep();
    private final Map<String, String> marker = Map.of("RUNWAY_LAUNCH_ID", "test-" + token);
    private ProcessSampler sampler;
    private List<Process> siblings;

    @BeforeEach
    void startSiblings() throws IOException {
        sampler = new ProcessSampler(table, Duration.ofMillis(50));
        // Unrelated processes: one in our session, one in a session of its own, one marked for another launch.
        ProcessBuilder other = new ProcessBuilder("setsid", "sleep", siblingToken);
        other.environment().put("RUNWAY_LAUNCH_ID", "another-launch");
        siblings = List.of(new ProcessBuilder("sleep", siblingToken).start(),
                new ProcessBuilder("setsid", "sleep", siblingToken).start(), other.start());
    }

    @AfterEach
    void cleanUp() {
        sampler.close();
        siblings.forEach(Process::destroyForcibly);
        ProcessScan.killAll(token);
        ProcessScan.killAll(siblingToken);
    }

    private Process startTask(String script, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("setsid", "--wait", "sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("T", token);
        return builder.start();
    }

    private void assertSiblingsUntouched() {
        assertThat(siblings).allMatch(Process::isAlive);
        assertThat(ProcessScan.pidsWith(siblingToken)).hasSize(3);
        assertThat(signals.sent()).noneMatch(s -> siblings.stream().anyMatch(p -> p.pid() == s.target().pid()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "setsid            | setsid sleep $T &                                                     | 1",
        "double fork       | (sleep $T &) &                                                        | 1",
        "nohup             | nohup sleep $T >/dev/null 2>&1 &                                      | 1",
        "setsid+double fork| setsid sh -c '(sleep $T &) &' &                                       | 1",
        "50-process tree   | i=0; while [ $i -lt 25 ]; do setsid sleep $T & (sleep $T &) & i=$((i+1)); done | 50"})
    void everyEscapeOfAFinishedTaskIsKilled(String name, String escape, int count) throws Exception {
        assertTerminateKillsAll(trackFinishedTask(escape + "\nexit 0", marker, true, count));
    }

    @Test
    void aStoppedProcessGetsContinuedAndTerminatedWithoutSigkill() throws Exception {
        // The root stays: if it left, the kernel would SIGHUP the stopped, orphaned group itself.
        Process task = startTask("sleep $T & sleep 0.2; kill -STOP $!; sleep $T", marker);
        TreeTracker tracker = TreeTracker.forRoot(table, signals, task.pid(), marker);
        List<Long> pids = ProcessScan.awaitCount(token, 2);
        awaitStopped(pids);

        assertThat(tracker.terminate(Duration.ofSeconds(20))).isTrue();

        assertThat(ProcessScan.pidsWith(token)).isEmpty();
        assertThat(signals.sent()).anyMatch(s -> s.signal() == Signal.CONT)
                .noneMatch(s -> s.signal() == Signal.KILL);
        assertThat(task.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertSiblingsUntouched();
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Process task = startTask("trap '' TERM; sleep $T & wait", marker);
        TreeTracker tracker = TreeTracker.forRoot(table, signals, task.pid(), marker);
        ProcessScan.awaitCount(token, 1);

        assertThat(tracker.terminate(Duration.ofMillis(300))).isTrue();

        assertThat(ProcessScan.pidsWith(token)).isEmpty();
        assertThat(task.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(signals.sent()).anyMatch(s -> s.signal() == Signal.KILL && s.target().pid() == task.pid());
        assertSiblingsUntouched();
    }

    @Test
    void aTaskWhoseProcessesAllExitedIsNotSignalled() throws Exception {
        Process task = startTask("sleep 0.2 & wait", marker);
        TreeTracker tracker = TreeTracker.forRoot(table, signals, task.pid(), marker);
        sampler.register(tracker);
        assertThat(task.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(tracker.terminate(GRACE)).isFalse();
        assertThat(tracker.kill()).isFalse();
        assertThat(signals.sent()).isEmpty();
    }

    @Test
    void theSessionAloneCatchesADoubleForkWithoutSamplingOrMarker() throws Exception {
        assertTerminateKillsAll(trackFinishedTask("(sleep $T &) & exit 0", Map.of(), false, 1));
    }

    @Test
    void theMarkerAloneCatchesASetsidEscapeWhoseParentExited() throws Exception {
        Process task = startTask("setsid sleep $T & exit 0", marker);
        assertThat(task.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ProcessScan.awaitCount(token, 1);
        // Created after the root is gone and never sampled: only the environment links the sleep to the task.
        assertTerminateKillsAll(TreeTracker.forRoot(table, signals, task.pid(), marker));
    }

    @Test
    void samplingFollowsADaemonIntoTheNewSessionItCreated() throws Exception {
        // No marker: a child makes a session of its own, double-forks inside it and exits, then the root exits.
        assertTerminateKillsAll(trackFinishedTask("setsid sh -c '(sleep $T &) ; sleep 0.5' & sleep 0.7; exit 0",
                Map.of(), true, 1));
    }

    @Test
    void killSendsSigkillToTheWholeTreeAtOnce() throws Exception {
        Process task = startTask("trap '' TERM; setsid sleep $T & (sleep $T &) & sleep $T", marker);
        TreeTracker tracker = TreeTracker.forRoot(table, signals, task.pid(), marker);
        ProcessScan.awaitCount(token, 3);

        assertThat(tracker.kill()).isTrue();

        assertThat(ProcessScan.pidsWith(token)).isEmpty();
        assertThat(signals.sent()).noneMatch(s -> s.signal() == Signal.TERM);
        assertThat(task.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertSiblingsUntouched();
    }

    /** Starts a task, tracks it (sampled or not), waits until it exited and left {@code count} processes. */
    private TreeTracker trackFinishedTask(String script, Map<String, String> taskMarker, boolean sampled, int count)
            throws Exception {
        Process task = startTask(script, taskMarker);
        TreeTracker tracker = TreeTracker.forRoot(table, signals, task.pid(), taskMarker);
        if (sampled) {
            sampler.register(tracker);
        }
        assertThat(task.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ProcessScan.awaitCount(token, count);
        return tracker;
    }

    private void assertTerminateKillsAll(TreeTracker tracker) {
        assertThat(tracker.terminate(GRACE)).isTrue();
        assertThat(ProcessScan.pidsWith(token)).as("survivors").isEmpty();
        assertSiblingsUntouched();
    }

    private void awaitStopped(List<Long> pids) {
        await("a process of " + pids + " stopped").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> pids.stream().anyMatch(pid -> table.process(pid).map(ProcessInfo::isStopped)
                        .orElse(false)));
    }
}
