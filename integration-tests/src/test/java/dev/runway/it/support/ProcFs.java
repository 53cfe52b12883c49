package dev.runway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The process table from /proc: who carries a marker in its argv or environment, what a process's argv is, and
 * which secrets show up there. Zombies (already dead, waiting for their parent) do not count; this JVM is left out.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** One live process: its pid, argv (NUL-separated) and environment, as read at one moment. */
    public record Snapshot(long pid, String commandLine, String environment) {
        /** argv joined by spaces, for messages. */
        public String argv() {
            return commandLine.replace('\0', ' ').strip();
        }
    }

    /** Every live process but this JVM (argv and environment read as Latin-1, so any byte sequence compares). */
    public static List<Snapshot> snapshot() {
        List<Snapshot> processes = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                if (pid == self || isZombieOrGone(entry)) {
                    continue;
                }
                processes.add(new Snapshot(pid, read(entry.resolve("cmdline")), read(entry.resolve("environ"))));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return processes;
    }

    /** Live processes whose argv or environment contains {@code marker}. */
    public static List<Snapshot> withMarker(String marker) {
        List<Snapshot> found = new ArrayList<>();
        for (Snapshot process : snapshot()) {
            if (process.commandLine().contains(marker) || process.environment().contains(marker)) {
                found.add(process);
            }
        }
        return found;
    }

    /** The first of {@code secrets} found in the process's argv or environment, if any. */
    public static Optional<String> leakedSecret(Snapshot process, Collection<String> secrets) {
        for (String secret : secrets) {
            if (process.commandLine().contains(secret) || process.environment().contains(secret)) {
                return Optional.of(secret);
            }
        }
        return Optional.empty();
    }

    /** The process's current directory, when it still runs. */
    public static Optional<Path> workingDirectory(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")));
        } catch (IOException | SecurityException gone) {
            return Optional.empty();
        }
    }

    /**
     * Whether the process is a launch agent's standby task agent still waiting for a task: its directory is renamed
     * to its task's when it gets one, so a standby that ran a task does not pass for a waiting one.
     */
    public static boolean isWaitingStandby(Snapshot process) {
        return process.commandLine().contains("\0--standby\0") && workingDirectory(process.pid())
                .map(directory -> directory.getFileName().toString().startsWith("runway-standby-")).orElse(false);
    }

    /** SIGKILL to each pid that still exists (test teardown). */
    public static void kill(Collection<Long> pids) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return ""; // gone meanwhile, or a kernel thread
        }
    }

    private static boolean isZombieOrGone(Path entry) {
        String stat = read(entry.resolve("stat"));
        int close = stat.lastIndexOf(')');
        return close < 0 || stat.length() <= close + 2 || stat.charAt(close + 2) == 'Z';
    }
}
