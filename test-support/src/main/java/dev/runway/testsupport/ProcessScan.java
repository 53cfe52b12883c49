package dev.runway.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Finds live processes by a marker in their command line or environment, from /proc, whatever else runs on the
 * machine: what a test started, and what no job may leave behind. Processes can be started with a unique token in
 * their argv ({@code sleep 1000.<digits>}, see {@link #uniqueSleep()}) so that the scan tells exactly which still run.
 */
public final class ProcessScan {
    private ProcessScan() {}

    /** A fresh argument for sleep that no other process has: 1000 and some random decimals. */
    public static String uniqueSleep() {
        return "1000." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    }

    /** Pids of live (non-zombie) processes whose command line contains {@code token}. */
    public static List<Long> pidsWith(String token) {
        byte[] needle = token.getBytes(StandardCharsets.UTF_8);
        return scan(process -> contains(process.resolve("cmdline"), needle));
    }

    /** Pids of live processes other than this JVM whose environment or command line contains {@code marker}. */
    public static List<Long> withMarker(String marker) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        List<Long> found = scan(process -> contains(process.resolve("environ"), needle)
                || contains(process.resolve("cmdline"), needle));
        found.remove(ProcessHandle.current().pid());
        return found;
    }

    /** Waits until {@code count} processes carry {@code token}; fails after 10 s. */
    public static List<Long> awaitCount(String token, int count) {
        return await("processes with " + token).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> pidsWith(token), pids -> pids.size() >= count);
    }

    /** Waits for every marked process to be gone; answers those still there after {@code timeout}. */
    public static List<Long> awaitNoneWithMarker(String marker, Duration timeout) {
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> withMarker(marker), List::isEmpty);
        } catch (ConditionTimeoutException e) {
            return withMarker(marker);
        }
    }

    /** Field {@code n} (1-based, as proc(5) numbers them) of /proc/PID/stat as a number; -1 when the process is gone. */
    public static long statField(long pid, int n) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(afterName[n - 3]);
        } catch (IOException gone) {
            return -1;
        }
    }

    /**
     * Waits until the kernel's clock has ticked past the start of {@code pid}: start times count in clock ticks of
     * 10 ms, so a process started after this returns is seen as younger than {@code pid}.
     */
    public static void awaitTickAfter(long pid) {
        long started = statField(pid, 22);
        await("a clock tick after pid " + pid + " started").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(5)).until(() -> uptimeTicks() > started + 1);
    }

    /** Time since boot in clock ticks (USER_HZ, 100 a second on Linux), as /proc counts start times. */
    private static long uptimeTicks() throws IOException {
        String seconds = Files.readString(Path.of("/proc/uptime")).split(" ")[0];
        return new BigDecimal(seconds).movePointRight(2).longValue();
    }

    /** SIGKILL to everything carrying {@code token}: test clean-up, so that a failing test leaks nothing. */
    public static void killAll(String token) {
        for (long pid : pidsWith(token)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static List<Long> scan(Predicate<Path> matches) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : entries) {
                if (matches.test(process) && isLive(process)) {
                    found.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    private static boolean contains(Path file, byte[] needle) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            return false; // gone meanwhile, or not ours to read
        }
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Neither gone nor a zombie (nor dead, 'X'), by the state letter after the command name in /proc/PID/stat. */
    private static boolean isLive(Path process) {
        try {
            String stat = Files.readString(process.resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            if (close < 0 || stat.length() <= close + 2) {
                return false;
            }
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone
        }
    }
}
