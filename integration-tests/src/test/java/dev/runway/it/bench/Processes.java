package dev.runway.it.bench;

import dev.runway.it.support.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Timed child processes and what /proc says about a process (resident memory, CPU time). */
final class Processes {
    /** Kernel clock ticks per second (USER_HZ): the unit of utime and stime in /proc/PID/stat. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private Processes() {}

    /** Wall-clock milliseconds from start to exit of {@code command} (stdin empty, output discarded). */
    static double timeMillis(Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    static double timeMillis(String... command) throws IOException, InterruptedException {
        return timeMillis(Map.of(), command);
    }

    /** Runs {@code command} to its end and answers its output; fails on a non-zero exit. */
    static String run(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    /** VmRSS of a process in MiB. */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** User + system CPU time of a process (all its threads) in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }

    /** How many sockets a process holds open. */
    static int socketCount(long pid) throws IOException {
        int sockets = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the fd went away while listing
                }
            }
        }
        return sockets;
    }

    /** CPU time all processes of the machine used so far (/proc/stat: busy ticks, idle and iowait left out), in ms. */
    static double machineBusyMillis() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy * 1000.0 / TICKS_PER_SECOND;
    }

    /**
     * Waits (at most 5 s) until the machine is quiet: less than 10 ms of CPU time in 100 ms, all cores together. A
     * launch agent starts its standby task agent when a task ends; the next floor sample and the next submit wait
     * for that start to be over, so that neither is measured while another JVM starts beside it.
     */
    static void awaitQuiet() {
        awaitQuiet(Duration.ofSeconds(5));
    }

    /** As above, waiting up to {@code longest}. */
    static void awaitQuiet(Duration longest) {
        double[] before = {Double.NaN}; // the first read only starts the first 100 ms window
        Waits.lastUntil(longest, Duration.ofMillis(100), () -> {
            double now = machineBusyMillis();
            double used = now - before[0];
            before[0] = now;
            return used;
        }, used -> used < 10);
    }

    /** Nanoseconds since the epoch, comparable with {@code date +%s%N} in a child process. */
    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long ticksPerSecond() {
        try {
            return Long.parseLong(run(List.of("getconf", "CLK_TCK"), Map.of(), 10).strip());
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
