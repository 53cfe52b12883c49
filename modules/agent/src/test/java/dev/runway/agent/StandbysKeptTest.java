package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.config.ConfigLoader;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Launchers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many standbys a launch agent keeps: real child processes of the process launcher (a script that waits on its
 * standard input, as a standby task agent does) and a clock the test moves, so that "younger than a warm-up" is the
 * test's choice and never the machine's speed.
 */
class StandbysKeptTest {
    @TempDir
    Path root;

    private final MovingClock clock = new MovingClock();

    @Test
    void aTaskThatComesToAStandbyStartedAheadBeforeItsWarmUpKeepsTwoUntilTheTimeout() throws Exception {
        try (Launcher launcher = processLauncher(); StandbyTaskAgent standbys = new StandbyTaskAgent(context(launcher))) {
            assertThat(standbys.take()).as("the first claim: none waits yet").isEmpty();
            standbys.replenish(); // its task's end
            assertThat(standbys.waitingCount()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(10));
            StandbyTaskAgent.Waiting warm = standbys.take().orElseThrow();
            long handedOver = System.nanoTime();
            standbys.replenishAhead(); // the task went to the standby: the next one starts while it runs
            standbys.awaitStarts(); // what would start at once is up now
            int rightAfter = standbys.waitingCount();
            if (System.nanoTime() - handedOver < StandbyTaskAgent.AFTER_HAND_OVER.toNanos()) {
                // (only while this thread ran on time: the start is due that long after the hand-over)
                assertThat(rightAfter).as("not beside the task just handed over").isZero();
            }
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).as("one kept while tasks come apart").isEqualTo(1);
            end(warm);

            clock.advance(Duration.ofMillis(100)); // a job after a job shorter than a JVM's start
            StandbyTaskAgent.Waiting young = standbys.take().orElseThrow();
            assertThat(young.ahead()).isTrue();
            standbys.replenishAhead();
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).as("two kept once a task found its standby still starting")
                    .isEqualTo(2);
            end(young);

            clock.advance(Duration.ofMillis(100));
            StandbyTaskAgent.Waiting older = standbys.take().orElseThrow();
            assertThat(older.started()).as("the oldest (warmest) one goes first").isBefore(clock.instant()
                    .minusMillis(50));
            standbys.replenishAhead();
            standbys.awaitStarts();
            assertThat(standbys.waitingCount()).as("another waits, warm: the next starts a little later")
                    .isEqualTo(1);
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).isEqualTo(2);
            end(older);

            StandbyTaskAgent.Waiting next = standbys.take().orElseThrow();
            standbys.replenishAhead(); // deferred: one still waits
            StandbyTaskAgent.Waiting last = standbys.take().orElseThrow();
            standbys.replenishAhead(); // none waits now: sooner, and the second kept one after it
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).as("never more than are kept").isEqualTo(2);
            end(next);
            end(last);

            StandbyTaskAgent.Waiting another = standbys.take().orElseThrow();
            long given = System.nanoTime();
            standbys.replenish(); // as a slot given back: one at once, the second kept a little later
            standbys.awaitStarts();
            int started = standbys.waitingCount();
            if (System.nanoTime() - given < StandbyTaskAgent.AHEAD_WHILE_ONE_WAITS.toNanos()) {
                assertThat(started).as("the one the next claim needs, not two JVMs at once").isEqualTo(1);
            }
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).isEqualTo(2);
            end(another);

            clock.advance(Duration.ofMinutes(6)); // runner.standby_timeout (5m) without a claim
            standbys.dismissIfExpired();
            assertThat(standbys.waitingCount()).isZero();
            assertThat(standbys.take()).isEmpty();
            standbys.replenish();
            standbys.awaitStarts();
            assertThat(standbys.waitingCount()).as("an agent idle that long keeps one again").isEqualTo(1);
        }
        assertThat(scriptsAlive()).as("every standby dismissed and gone").isZero();
    }

    @Test
    void aStandbyTakenAfterItsWarmUpKeepsOne() throws Exception {
        try (Launcher launcher = processLauncher(); StandbyTaskAgent standbys = new StandbyTaskAgent(context(launcher))) {
            standbys.take();
            standbys.replenish();
            StandbyTaskAgent.Waiting first = standbys.take().orElseThrow();
            standbys.replenishAhead();
            standbys.awaitDeferredStarts();
            end(first);

            clock.advance(StandbyTaskAgent.WARM_UP.plusMillis(1));
            StandbyTaskAgent.Waiting warm = standbys.take().orElseThrow();
            assertThat(warm.ahead()).isTrue();
            standbys.replenishAhead();
            standbys.awaitDeferredStarts();
            assertThat(standbys.waitingCount()).isEqualTo(1);
            end(warm);
        }
        assertThat(scriptsAlive()).isZero();
    }

    /** Ends a standby taken for a task that the test does not run: its input closes, and it exits. */
    private static void end(StandbyTaskAgent.Waiting taken) throws Exception {
        taken.process().dismiss();
        assertThat(taken.process().onExit().get(10, TimeUnit.SECONDS).success()).isTrue();
    }

    /** Processes of this test's standby script still running (none once each was ended or dismissed). */
    private long scriptsAlive() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(process -> process.info().commandLine().orElse("").contains(root.toString())).count();
    }

    private static Launcher processLauncher() throws Exception {
        return Launchers.installed().select("process", new LauncherSettings(List.of(), null, Duration.ofSeconds(1)));
    }

    /** A launch agent's context whose task agent is a script that reads its standard input to the end. */
    private AgentContext context(Launcher launcher) throws Exception {
        Path script = root.resolve("standby-task-agent");
        Files.writeString(script, "#!/bin/sh\nexec cat >/dev/null\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path work = Files.createDirectories(root.resolve("work"));
        LaunchAgentConfig config = ConfigLoader.load(null, Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", "a-token",
                "LAUNCH_AGENT_API_URL", "http://127.0.0.1:9", "LAUNCH_AGENT_RUNNER_WORK_DIR", work + "/%s")).config();
        TaskStateStore states = new TaskStateStore(root.resolve("state/tasks"));
        states.open();
        Path logs = Files.createDirectories(root.resolve("state/logs"));
        return new AgentContext(config, launcher, states, logs, new WorkingDirectories(work + "/%s"), script,
                new Metrics(1), new HealthMonitor(List.of(), HealthMonitor.DEFAULT_THRESHOLD), clock);
    }
}
