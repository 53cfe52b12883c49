package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.it.support.DedicatedUser;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code task_user: NAME-%d}: two tasks running at once, in two slots, run as two users, so neither can read the
 * other's /proc/PID/environ (the image's launch agent with the process launcher, real users).
 */
class PerSlotTaskUserTest {
    @Test
    void tasksInTwoSlotsRunAsTheirSlotsUsers(@TempDir Path home) throws Exception {
        String base = "rws" + UUID.randomUUID().toString().substring(0, 6);
        try (DedicatedUser first = DedicatedUser.create(AgentHarness.runwayForOtherUsers(), base + "-1");
                DedicatedUser second = DedicatedUser.create(AgentHarness.runwayForOtherUsers(), base + "-2");
                AgentHarness harness = AgentHarness.start(home)) {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
            harness.useRunway(AgentHarness.runwayForOtherUsers());
            AgentProcess agent = harness.launchAgent("slots",
                    "task_user: " + base + "-%d\nmax_concurrent_tasks: 2\n");
            // each job waits until the other one runs too, so both slots are busy at once
            Path gates = Files.createDirectories(home.resolve("gates"));
            Files.setPosixFilePermissions(gates, PosixFilePermissions.fromString("rwxrwxrwx"));
            String gate = gates.resolve("gate").toString();
            String step = "id -un\ntouch " + gate + "-$$ 2>/dev/null; i=0; while [ $i -lt 100 ]; do"
                    + " n=$(ls -d " + gate + "-* 2>/dev/null | wc -l); [ \"$n\" -ge 2 ] && break; sleep 0.1;"
                    + " i=$((i+1)); done";
            JobStatus a = harness.submit("slot-a", step);
            JobStatus b = harness.submit("slot-b", step);

            JobStatus doneA = harness.awaitFinal(a.id(), Duration.ofSeconds(90));
            JobStatus doneB = harness.awaitFinal(b.id(), Duration.ofSeconds(90));
            assertThat(doneA.state()).as(doneA.reason() + "\n" + agent.logText()).isEqualTo(JobState.SUCCESS);
            assertThat(doneB.state()).as(doneB.reason() + "\n" + agent.logText()).isEqualTo(JobState.SUCCESS);

            Set<String> users = Set.of(harness.output(a.id(), 0).lines().findFirst().orElse(""),
                    harness.output(b.id(), 0).lines().findFirst().orElse(""));
            assertThat(users).containsExactlyInAnyOrder(first.name(), second.name());
            agent.killTree();
        }
    }
}
