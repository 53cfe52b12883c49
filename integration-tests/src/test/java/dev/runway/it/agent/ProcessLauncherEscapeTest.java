package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.it.support.DedicatedUser;
import dev.runway.testsupport.ProcessScan;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that leaves its session and scrubs its environment ({@code env -i setsid -f}) drops every mark the process
 * launcher tracks a task by but its uid. With a dedicated task user and one slot, nothing of it outlives its task;
 * with a shared user the agent says at start that the process launcher cannot contain such a job.
 */
class ProcessLauncherEscapeTest {

    /** Leaves the session, drops the environment, and keeps running; the marker is in its argv. */
    private static String escapingStep(String marker) {
        return "env -i setsid -f /bin/sh -c 'while :; do sleep 1; done; : " + marker + "'\n"
                + "echo started";
    }

    @Test
    void aProcessThatScrubsItsEnvironmentDiesWithItsTaskUnderADedicatedUser(@TempDir Path home) throws Exception {
        try (DedicatedUser user = DedicatedUser.create(AgentHarness.runwayForOtherUsers());
                AgentHarness harness = AgentHarness.start(home)) {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
            harness.useRunway(AgentHarness.runwayForOtherUsers());
            String marker = "escapee-" + UUID.randomUUID();
            AgentProcess agent = harness.launchAgent("dedicated", "task_user: " + user.name() + "\n");
            JobStatus job = harness.submit("escapes", escapingStep(marker));

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(60));
            assertThat(done.state()).as(done.reason() + "\n" + agent.logText()).isEqualTo(JobState.SUCCESS);

            assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(15)))
                    .as("processes of the finished task").isEmpty();
            assertThat(agent.logText()).doesNotContain("cannot contain a job");
            agent.killTree();
        }
    }

    @Test
    void aSharedTaskUserIsReportedAtStart(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("shared", "max_concurrent_tasks: 2\n");
            JobStatus job = harness.submit("plain", "echo fine");
            assertThat(harness.awaitFinal(job.id(), Duration.ofSeconds(60)).state()).isEqualTo(JobState.SUCCESS);

            assertThat(agent.logText()).contains("cannot contain a job that scrubs its environment")
                    .contains("systemd or subreaper");
            agent.killTree();
        }
    }
}
