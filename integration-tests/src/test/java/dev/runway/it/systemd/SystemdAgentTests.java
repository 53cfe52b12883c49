package dev.runway.it.systemd;

import static dev.runway.it.systemd.SystemdAgentHarness.ESCAPING_TREE;
import static dev.runway.it.systemd.SystemdAgentHarness.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.NamespacedSystemd;
import org.junit.jupiter.api.Test;

/** Jobs through the real server and launch agent with the systemd launcher (see {@link SystemdAgentHarness}). */
class SystemdAgentTests extends SystemdAgentTestCase {
    @Test
    void aJobRunsAsTheTaskUserInItsOwnUnitAndTheAgentReportsHealthToSystemd() throws Exception {
        String agent = harness.agent();
        JobStatus job = harness.submit("whoami", "echo \"uid=$(id -u)\"; cat /proc/self/cgroup");

        JobStatus done = harness.awaitFinal(job.id());

        assertThat(done.state()).as(harness.agentLog(agent)).isEqualTo(JobState.SUCCESS);
        assertThat(harness.output(job.id())).contains("uid=65534")
                .containsPattern("(?m)^0::/system\\.slice/runway-task-[A-Za-z0-9_.:-]+\\.service$");
        String shown = harness.systemd.run("systemctl", "show", "-p", "ActiveState", "-p", "StatusText", agent);
        assertThat(shown).as("READY=1 made the Type=notify unit active; STATUS= is shown")
                .contains("ActiveState=active", "StatusText=Healthy");
    }

    @Test
    void cancelKillsATreeThatEscapedWithSetsidDoubleForkAndSigstop() throws Exception {
        harness.agent();
        JobStatus job = harness.submit("escapes", ESCAPING_TREE);
        String unit = awaitTree();

        harness.management.cancelJob(job.id());
        JobStatus done = harness.awaitFinal(job.id());

        assertThat(done.state()).isEqualTo(JobState.CANCELED);
        assertGone(unit);
    }

    @Test
    void maxRunTimeKillsATreeThatEscapedWithSetsidDoubleForkAndSigstop() throws Exception {
        harness.agent();
        JobStatus job = harness.submit("overruns", ESCAPING_TREE, "4s");
        String unit = awaitTree();

        JobStatus done = harness.awaitFinal(job.id());

        assertThat(done.state()).isEqualTo(JobState.TIMEDOUT);
        assertGone(unit);
    }

    /** The escaping tree's unit, once all of its processes run. */
    private static String awaitTree() throws Exception {
        String unit = harness.awaitTaskUnit();
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).size() >= 5))
                .as("the job's tree runs in %s", unit).isTrue();
        return unit;
    }

    private static void assertGone(String unit) throws Exception {
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).isEmpty())).as("processes of %s", unit)
                .isTrue();
        assertThat(awaitTrue(() -> !harness.taskUnits().contains(unit))).as("unit %s collected", unit).isTrue();
    }
}
