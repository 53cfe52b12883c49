package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.config.Mode;
import dev.runway.config.Runner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slots given back while their last task's task agent still exits: at most one such task agent per slot. */
class SlotsTest {
    @Test
    void aSlotHostsAtMostOneExitingTaskAgentBesideItsTask() throws Exception {
        Slots slots = new Slots(1);
        int slot = slots.take(Duration.ZERO);
        assertThat(slots.markExiting(slot)).isTrue();
        slots.give(slot); // its task's result is in: the next task may take it

        int again = slots.take(Duration.ZERO);
        assertThat(again).isEqualTo(slot);
        assertThat(slots.markExiting(again)).as("the first task agent still exits").isFalse();
        slots.exited(slot);
        assertThat(slots.markExiting(again)).as("once it has exited").isTrue();
    }

    @Test
    void whatExitsInOneSlotLeavesTheOthersAlone() throws Exception {
        Slots slots = new Slots(2);
        int first = slots.take(Duration.ZERO);
        int second = slots.take(Duration.ZERO);
        assertThat(slots.markExiting(first)).isTrue();
        assertThat(slots.markExiting(second)).isTrue();
    }

    /** Where nothing of an ending task may share the machine with the next, its slot waits for its whole tree. */
    @ParameterizedTest(name = "task_user {0}, {1} slot(s), working_directory {2}: {3}")
    @CsvSource({
            "'', 1, /w/%s, true",
            "'', 1, /w/shared, false",
            "'', 4, /w/%s, true",
            "ci, 1, /w/%s, false",
            "ci, 2, /w/%s, true",
            "ci-%d, 2, /w/%s, false",
    })
    void aSlotTakesItsNextTaskBeforeTheLastTaskAgentExitsOnlyWhereTasksMayShareTheMachine(String taskUser,
            int slots, String workingDirectory, boolean before) {
        Runner runner = new Runner("r", List.of(), workingDirectory, false, Duration.ofHours(1), Mode.CONTINUOUS,
                Duration.ZERO, false, "process", taskUser.isEmpty() ? null : taskUser, slots, Duration.ofSeconds(1),
                null, Duration.ZERO, List.of(), List.of());
        assertThat(LaunchAgent.slotsBeforeExit(runner, new WorkingDirectories(workingDirectory))).isEqualTo(before);
    }
}
