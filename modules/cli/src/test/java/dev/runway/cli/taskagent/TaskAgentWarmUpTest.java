package dev.runway.cli.taskagent;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class TaskAgentWarmUpTest {
    @Test
    void itsSampleJobIsValidAndNothingFails() {
        // a sample that no longer reads as a job would throw here (and only slow a real task agent down)
        assertThatCode(() -> new TaskAgentWarmUp().run()).doesNotThrowAnyException();
    }
}
