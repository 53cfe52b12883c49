package dev.runway.launcher.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Test helper: processes are started with a unique token in their argv ({@code sleep 1000.<digits>}) so that /proc
 * tells exactly which of them still run, whatever else runs on the machine.
 */
public final class ProcScan {
    private ProcScan() {}

    /** A fresh argument for sleep that no other process has: 1000 and some random decimals. */
    public static String uniqueSleep() {
        return "1000." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    }

    /** Pids of live (non-zombie) processes whose command line contains {@code token}. */
    public static List<Long> pidsWith(String token) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : entries) {
                try {
                    String cmdline = Files.readString(dir.resolve("cmdline"), StandardCharsets.UTF_8);
                    String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                    char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
                    if (cmdline.contains(token) && state != 'Z' && state != 'X') {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    /** Waits until {@code count} processes carry {@code token}; fails after 10 s. */
    public static List<Long> awaitCount(String token, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Long> pids = pidsWith(token);
        while (pids.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " processes with " + token + ", found " + pids);
            }
            Thread.sleep(20);
            pids = pidsWith(token);
        }
        return pids;
    }

    /** SIGKILL to everything carrying {@code token}: test clean-up, so that a failing test leaks nothing. */
    public static void killAll(String token) {
        for (long pid : pidsWith(token)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
