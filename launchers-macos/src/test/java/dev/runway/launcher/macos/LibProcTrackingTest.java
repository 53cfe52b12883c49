package dev.runway.launcher.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.macos.jna.ProcBsdInfo;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessState;
import dev.runway.launcher.tracking.TreeTracker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The macOS table and signaller, driven by {@link FakeLibSystem} (macOS natives do not run on Linux), under the shared
 * tracker: what libproc reports is mapped right, and the kill ladder reaches every escape with Darwin's signal
 * numbers. The real natives are exercised by {@link MacOnlyTest} on a Mac.
 */
class LibProcTrackingTest {
    private static final Map<String, String> MARKER = Map.of("RUNWAY_LAUNCH_ID", "L1");

    private final FakeLibSystem lib = new FakeLibSystem();
    private final LibProcProcessTable table = new LibProcProcessTable(lib);
    private final LibcSignaller signaller = new LibcSignaller(lib, table);

    @Test
    void libprocFieldsBecomeProcessInfo() {
        lib.add(300, 1, 310, 320, 1_700_000_000_123_456L).status = ProcBsdInfo.SSTOP;
        assertThat(table.process(300)).contains(
                new ProcessInfo(300, 1, 310, 320, 501, 1_700_000_000_123_456L, ProcessState.STOPPED));
        assertThat(table.process(301)).isEmpty();
        assertThat(table.commandLine(300)).contains("sleep 1000");
    }

    @Test
    void theMarkerIsReadFromProcargs2() {
        lib.add(400, 1, 400, 400, 10, "PATH=/usr/bin", "RUNWAY_LAUNCH_ID=L1");
        assertThat(table.environmentVariable(400, "RUNWAY_LAUNCH_ID")).contains("L1");
        assertThat(table.environmentVariable(400, "HOME")).isEmpty();
    }

    @Test
    void everyEscapeIsTerminatedWithDarwinSignalsAndStrangersAreLeftAlone() {
        lib.add(100, 50, 100, 100, 1_000); // the task's root, leader of its own session
        lib.add(101, 1, 100, 100, 1_001); // double-forked: re-parented to launchd, still in the session
        lib.add(102, 100, 100, 100, 1_002).status = ProcBsdInfo.SSTOP; // stopped
        lib.add(103, 1, 103, 103, 1_003, "RUNWAY_LAUNCH_ID=L1"); // setsid escape, found by its marker
        lib.add(200, 50, 200, 200, 1_004, "RUNWAY_LAUNCH_ID=other"); // a sibling of another launch
        lib.add(201, 1, 201, 201, 900); // an older, unrelated process
        TreeTracker tracker = TreeTracker.forRoot(table, signaller, 100, MARKER);
        assertThat(tracker.members()).extracting(ProcessInfo::pid).containsExactlyInAnyOrder(100L, 101L, 102L, 103L);

        assertThat(tracker.terminate(Duration.ofSeconds(1))).isTrue();

        assertThat(lib.processes.keySet()).containsExactly(200, 201);
        assertThat(lib.kills()).noneMatch(k -> k[0] == 200 || k[0] == 201)
                .anyMatch(k -> k[0] == 102 && k[1] == 19) // SIGCONT for the stopped one
                .anyMatch(k -> k[0] == 100 && k[1] == 15);
    }

    @Test
    void aProcessIgnoringSigtermGetsSigkillAndARecycledPidIsSpared() {
        lib.add(100, 50, 100, 100, 1_000).ignoresTerm = true;
        lib.add(104, 100, 100, 100, 1_005);
        TreeTracker tracker = TreeTracker.forRoot(table, signaller, 100, Map.of());
        lib.processes.remove(104);
        lib.add(104, 1, 104, 104, 2_000); // 104 recycled by a stranger

        tracker.terminate(Duration.ofMillis(100));

        assertThat(lib.processes.keySet()).containsExactly(104);
        assertThat(lib.kills()).anyMatch(k -> k[0] == 100 && k[1] == 9).noneMatch(k -> k[0] == 104);
    }
}
