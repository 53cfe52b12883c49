package dev.runway.launcher.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcFsProcessTableTest {
    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "4242 (we (ird) ) name)) T 17 4240 4200 34816 4242 4194304 1 2 3 4 5 6 7 8 20 0 1 0 987654 1 2";
        ProcessInfo info = ProcFsProcessTable.parseStat(stat, 1500);
        assertThat(info).isEqualTo(new ProcessInfo(4242, 17, 4240, 4200, 1500, 987654, ProcessState.STOPPED));
    }

    @Test
    void zombiesAreNotAlive() {
        ProcessInfo info = ProcFsProcessTable.parseStat("7 (sh) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0", 0);
        assertThat(info.isAlive()).isFalse();
    }

    @Test
    void readsTheEnvironmentOfAProcess(@TempDir Path proc) throws Exception {
        Path dir = Files.createDirectories(proc.resolve("77"));
        Files.writeString(dir.resolve("environ"), "A=1\0RUNWAY_LAUNCH_ID=x=y\0B=\0");
        ProcFsProcessTable table = new ProcFsProcessTable(proc);
        assertThat(table.environmentVariable(77, "RUNWAY_LAUNCH_ID")).contains("x=y");
        assertThat(table.environmentVariable(77, "B")).contains("");
        assertThat(table.environmentVariable(77, "C")).isEmpty();
        assertThat(table.environmentVariable(78, "A")).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void seesTheRunningJvmWithItsParent() {
        ProcFsProcessTable table = new ProcFsProcessTable();
        long self = ProcessHandle.current().pid();
        ProcessInfo me = table.process(self).orElseThrow();
        assertThat(me.ppid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
        assertThat(table.snapshot()).extracting(ProcessInfo::pid).contains(self, me.ppid());
        assertThat(table.commandLine(self)).hasValueSatisfying(c -> assertThat(c).contains("java"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void nowIsInTheUnitsOfStartTimes() throws Exception {
        ProcFsProcessTable table = new ProcFsProcessTable();
        long before = table.nowTicks();
        Process process = new ProcessBuilder("sleep", "5").start();
        try {
            long started = table.process(process.pid()).orElseThrow().startTime();
            long after = table.nowTicks();
            // the same clock, rounded down on both sides: at most one tick apart at the edges
            assertThat(started).isBetween(before - 1, after + 1);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void readsNowFromUptime(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("uptime"), "12345.67 24000.00\n");
        assertThat(new ProcFsProcessTable(proc).nowTicks()).isEqualTo(1234567);
    }
}
