package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.testsupport.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessGroupTest {
    /** "pid pgid sid" of a bash started through {@code wrapper}. */
    private static String[] idsUnder(List<String> wrapper) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("/bin/bash", "-c", "echo $$ $(cut -d' ' -f5,6 /proc/$$/stat)"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as(out).isZero();
        return out.split(" ");
    }

    @Test
    void setsidMakesTheStepLeaderOfItsOwnSessionAndGroup() throws Exception {
        String[] ids = idsUnder(ProcessGroup.sessionWrapper(Files::isExecutable));
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
    }

    @Test
    void perlFallbackWhereSetsidIsMissingDoesTheSame() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "no perl here");
        List<String> wrapper = ProcessGroup.sessionWrapper(p -> !p.getFileName().toString().equals("setsid")
                && Files.isExecutable(p));
        assertThat(wrapper).first().isEqualTo("/usr/bin/perl");
        String[] ids = idsUnder(wrapper);
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void aProcessOlderThanTheStepIsNotItsStragglerEvenWithItsTrackingId() throws Exception {
        String marker = "runway-pg-" + UniqueNames.next();
        String trackingId = "step-1-" + UniqueNames.next();
        ProcessBuilder older = new ProcessBuilder("setsid", "bash", "-c", "exec -a " + marker + "-older sleep 1000");
        older.environment().put(ProcessGroup.TRACKING_VARIABLE, trackingId);
        Process before = older.start();
        try {
            ProcessScan.awaitTickAfter(before.pid()); // /proc's start times count in 10 ms ticks
            ProcessGroup group = ProcessGroup.start(List.of("/bin/bash", "-c",
                    "setsid bash -c 'exec -a " + marker + "-escaped sleep 1000' & sleep 0.2"), java.util.Map.of(),
                    Path.of(System.getProperty("java.io.tmpdir")), trackingId);
            assertThat(group.leader().waitFor()).isZero();
            assertThat(group.anyAlive()).as("the escaped child carries the tracking id").isTrue();
            group.killRemaining();
            awaitGone(marker + "-escaped");
            assertThat(ProcessTable.withMarker(marker + "-older")).as("started before the step").hasSize(1);
        } finally {
            before.destroyForcibly();
            ProcessTable.kill(marker);
        }
    }

    private static void awaitGone(String marker) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(ProcessTable.withMarker(marker)).as(marker).isEmpty());
    }

    /** The command name may hold spaces and parentheses: the fields are counted after its last ')'. */
    @Test
    void readsStateGroupAndStartTimeOfAStatLine() {
        byte[] line = ("4321 (a) b (c)) S 1 4300 4300 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 987654 8806400 227"
                + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n").getBytes(StandardCharsets.US_ASCII);

        assertThat(ProcessGroup.Stat.parse(line, line.length)).isEqualTo(new ProcessGroup.Stat('S', 4300, 987654));
        assertThat(ProcessGroup.Stat.parse(line, 40)).isNull(); // cut short
        assertThat(ProcessGroup.Stat.of(ProcessHandle.current().pid())).isNotNull()
                .satisfies(self -> assertThat(self.startTicks()).isPositive());
        assertThat(ProcessGroup.Stat.of(Long.MAX_VALUE)).isNull();
    }

    @Test
    void withNeitherTheStepStaysInOurGroup() {
        assertThat(ProcessGroup.sessionWrapper(p -> false)).isEmpty();
    }
}
