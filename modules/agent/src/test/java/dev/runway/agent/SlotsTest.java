package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
