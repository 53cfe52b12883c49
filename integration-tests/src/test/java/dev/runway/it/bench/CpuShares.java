package dev.runway.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a phase of the claims benchmark spent CPU, from /proc: the harness's own JVM, each server JVM (and, of them,
 * the JIT's compiler threads), PostgreSQL's processes (the postmaster and its backends),
 * and how busy the machine's cores were. Two cores are shared by all of these, so a ratio alone does not say whether
 * the server got slower or merely got less of the cores.
 */
final class CpuShares {
    private final Map<String, Long> ticks;
    /** Bytes the servers caused to be written to storage (their database files and logs). */
    private final long written;
    private final long machineBusy;
    private final long machineAll;
    private final long nanos;

    private CpuShares(Map<String, Long> ticks, long written, long machineBusy, long machineAll, long nanos) {
        this.ticks = ticks;
        this.written = written;
        this.machineBusy = machineBusy;
        this.machineAll = machineAll;
        this.nanos = nanos;
    }

    /** A snapshot of the counters, for the server processes {@code servers} and the postmaster (0: none). */
    static CpuShares sample(List<Long> servers, long postmaster) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("harness", Processes.cpuTicks(ProcessHandle.current().pid()));
        long jit = 0;
        for (int i = 0; i < servers.size(); i++) {
            long pid = servers.get(i);
            ticks.put("server" + (servers.size() > 1 ? " " + (i + 1) : ""), Processes.cpuTicks(pid));
            jit += compilerTicks(pid);
        }
        ticks.put("of which JIT", jit);
        long written = 0;
        for (long pid : servers) {
            written += writtenBytes(pid);
        }
        long postgres = 0;
        if (postmaster > 0) {
            postgres += ticksOrZero(postmaster);
            for (ProcessHandle backend : ProcessHandle.of(postmaster).map(p -> p.descendants().toList())
                    .orElse(List.of())) {
                postgres += ticksOrZero(backend.pid());
            }
        }
        ticks.put("postgres", postgres);
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        for (int i = 1; i < cpu.length; i++) {
            all += Long.parseLong(cpu[i]);
        }
        long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]); // idle, iowait
        return new CpuShares(ticks, written, all - idle, all, System.nanoTime());
    }

    /**
     * Waits (at most 10 s) until the JIT compiler threads of {@code servers} used no CPU for 300 ms: the work queued
     * by what ran before (the submissions that queue a run's tasks, the other half of the round) would otherwise be
     * charged to the next measured window, which is the figure's or the floor's by turns.
     */
    static void awaitIdleCompilers(List<Long> servers) throws IOException, InterruptedException {
        long last = -1;
        int quiet = 0;
        for (int i = 0; i < 100 && quiet < 3; i++) {
            long sum = 0;
            for (long pid : servers) {
                sum += compilerTicks(pid);
            }
            quiet = sum == last ? quiet + 1 : 0;
            last = sum;
            Thread.sleep(100);
        }
    }

    /** {@code write_bytes} of /proc/PID/io: what the process caused to be written to storage. */
    private static long writtenBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        return 0;
    }

    /** Exited processes (a backend that ended) count nothing: only the live ones are compared. */
    private static long ticksOrZero(long pid) {
        try {
            return Processes.cpuTicks(pid);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** CPU ticks of the JIT compiler threads of {@code pid}. */
    private static long compilerTicks(long pid) throws IOException {
        long sum = 0;
        try (var threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : threads) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.contains("CompilerThre")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (NoSuchFileException ended) {
                    // a thread that ended meanwhile
                }
            }
        }
        return sum;
    }

    /**
     * One line: ms of CPU per operation of each part since {@code before}, KB the servers wrote per operation, and the
     * cores' busy fraction.
     */
    String perOperation(CpuShares before, int operations, String what) {
        StringBuilder line = new StringBuilder(what + ": CPU ms per op");
        double msPerTick = 1000.0 / Processes.TICKS_PER_SECOND;
        ticks.forEach((part, value) -> line.append(String.format(java.util.Locale.ROOT, " %s %.3f", part,
                (value - before.ticks.getOrDefault(part, 0L)) * msPerTick / operations)));
        line.append(String.format(java.util.Locale.ROOT, "; servers wrote %.1f KB", (written - before.written)
                / 1000.0 / operations));
        line.append(String.format(java.util.Locale.ROOT, "; machine busy %.0f %% of %.2f s",
                100.0 * (machineBusy - before.machineBusy) / Math.max(1, machineAll - before.machineAll),
                (nanos - before.nanos) / 1e9));
        return line.toString();
    }
}

