package dev.runway.it.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Finds processes by a marker in their environment or command line, from /proc: what no job may leave behind. */
final class ProcessScan {
    private ProcessScan() {}

    /** Pids of live processes whose environment or command line contains {@code marker}. */
    static List<Long> withMarker(String marker) {
        List<Long> found = new ArrayList<>();
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                if (contains(entry.resolve("environ"), needle) || contains(entry.resolve("cmdline"), needle)) {
                    if (!isZombie(entry)) {
                        found.add(Long.parseLong(entry.getFileName().toString()));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        found.remove(ProcessHandle.current().pid());
        return found;
    }

    /** Waits for every marked process to be gone; answers those still there after {@code timeout}. */
    static List<Long> awaitNoneWithMarker(String marker, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Long> left = withMarker(marker);
        while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            left = withMarker(marker);
        }
        return left;
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

    private static boolean isZombie(Path entry) {
        try {
            String stat = Files.readString(entry.resolve("stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone
        }
    }
}
