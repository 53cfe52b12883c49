package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import dev.runway.config.Mode;
import dev.runway.config.Runner;
import org.junit.jupiter.api.Test;

/** The pure parts of the lifecycle: states, signal counting, idle timing (with a clock the test moves). */
class LifecycleStateTest {
    @Test
    void statesOnlyMoveForward() {
        assertThat(AgentState.RUNNING.advanceTo(AgentState.DRAINING)).isEqualTo(AgentState.DRAINING);
        assertThat(AgentState.DRAINING.advanceTo(AgentState.CANCELING)).isEqualTo(AgentState.CANCELING);
        assertThat(AgentState.CANCELING.advanceTo(AgentState.DRAINING)).isEqualTo(AgentState.CANCELING);
        assertThat(AgentState.STOPPED.advanceTo(AgentState.RUNNING)).isEqualTo(AgentState.STOPPED);
    }

    @Test
    void firstSignalDrainsSecondCancelsThirdKills() {
        assertThat(ShutdownSignals.actionFor(1)).isEqualTo(ShutdownSignals.Action.DRAIN);
        assertThat(ShutdownSignals.actionFor(2)).isEqualTo(ShutdownSignals.Action.CANCEL);
        assertThat(ShutdownSignals.actionFor(3)).isEqualTo(ShutdownSignals.Action.KILL);
        assertThat(ShutdownSignals.actionFor(7)).isEqualTo(ShutdownSignals.Action.KILL);
    }

    @Test
    void idleTimeoutCountsOnlyWhileNothingRuns() {
        MovingClock clock = new MovingClock();
        IdleTimer idle = new IdleTimer(Duration.ofMinutes(10), clock);
        clock.advance(Duration.ofMinutes(9));
        assertThat(idle.remaining()).isEqualTo(Duration.ofMinutes(1));
        idle.taskStarted();
        clock.advance(Duration.ofHours(3));
        assertThat(idle.remaining()).isNull();
        assertThat(idle.expired()).isFalse();
        idle.taskEnded();
        clock.advance(Duration.ofMinutes(9));
        assertThat(idle.expired()).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(idle.expired()).isTrue();
        assertThat(idle.remaining()).isZero();
    }

    @Test
    void zeroIdleTimeoutNeverExpires() {
        MovingClock clock = new MovingClock();
        IdleTimer idle = new IdleTimer(Duration.ZERO, clock);
        clock.advance(Duration.ofDays(400));
        assertThat(idle.expired()).isFalse();
    }

    @Test
    void heartbeatsComeThreeTimesPerLease() {
        assertThat(TaskSupervisor.heartbeatInterval(30)).isEqualTo(Duration.ofSeconds(10));
        assertThat(TaskSupervisor.heartbeatInterval(0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(TaskSupervisor.heartbeatInterval(3600)).isEqualTo(TaskSupervisor.MAX_HEARTBEAT_INTERVAL);
        assertThat(TaskSupervisor.heartbeatInterval(1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void slotsCountWhatIsTaken() throws Exception {
        Slots slots = new Slots(2);
        assertThat(slots.take(Duration.ZERO)).isEqualTo(1);
        assertThat(slots.take(Duration.ZERO)).isEqualTo(2);
        assertThat(slots.take(Duration.ofMillis(10))).isZero();
        assertThat(slots.busy()).isEqualTo(2);
        slots.give(1);
        assertThat(slots.free()).isEqualTo(1);
        assertThatThrownBy(() -> slots.give(1)).hasMessageContaining("slot 1 was not taken");
        assertThat(slots.take(Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void twoRunningSlotsGetTwoDifferentPerSlotUsers() throws Exception {
        Runner runner = new Runner("r", List.of(), "/w/%s", false, Duration.ofHours(1), Mode.CONTINUOUS,
                Duration.ZERO, false, "process", "circleci-%d", 2, Duration.ofSeconds(1), null, Duration.ZERO,
                List.of(), List.of());
        Slots slots = new Slots(2);
        int first = slots.take(Duration.ZERO);
        int second = slots.take(Duration.ZERO);
        assertThat(List.of(runner.taskUserFor(first), runner.taskUserFor(second)))
                .containsExactly("circleci-1", "circleci-2");
        slots.give(first);
        assertThat(runner.taskUserFor(slots.take(Duration.ZERO))).isEqualTo("circleci-1");
    }
}
