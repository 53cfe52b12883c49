package dev.runway.it.systemd;

import static dev.runway.it.systemd.SystemdAgentHarness.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.NamespacedSystemd;
import org.junit.jupiter.api.Test;

/** kill -9 of a launch agent (systemd launcher) in the middle of a task, then a restart. */
class SystemdAgentCrashTests extends SystemdAgentTestCase {
    @Test
    void anAgentKilledMidTaskLeavesNothingOnceRestartedAndTheTaskIsReported() throws Exception {
        harness.agent();
        JobStatus job = harness.submit("orphaned", "exec sleep 600");
        String unit = harness.awaitTaskUnit();

        // Killed while busy (its one slot taken), it has no claim pending that the server could answer.
        harness.killAgent();
        assertThat(NamespacedSystemd.processesOfUnit(unit)).as("the task outlives its killed agent").isNotEmpty();
        String restarted = harness.startAgent();

        JobStatus done = harness.awaitFinal(job.id());
        assertThat(done.state()).as(harness.agentLog(restarted)).isIn(JobState.FAILED, JobState.INFRASTRUCTURE_FAIL);
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).isEmpty())).isTrue();
        assertThat(awaitTrue(() -> !harness.taskUnits().contains(unit))).as("unit %s removed", unit).isTrue();
        assertThat(harness.agentLog(restarted)).contains("an earlier run left systemd unit " + unit);
    }
}
