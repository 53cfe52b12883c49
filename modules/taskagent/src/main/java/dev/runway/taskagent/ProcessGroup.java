package dev.runway.taskagent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step's processes: its shell, started as the leader of a new session and process group (through setsid(1), or
 * perl's POSIX::setsid where setsid(1) is missing, as on macOS), plus everything that carries the step's tracking id
 * in its environment. Java cannot signal a process group, so the group gets kill(1); processes that left the group
 * ({@code setsid cmd &}, double forks) are found by the tracking id in /proc (Linux) or as descendants of the shell,
 * and signalled one by one, as Jenkins' and GitHub's runners do. A process that clears its environment and
 * daemonises escapes this; the launcher's cgroup or subreaper catches those.
 */
final class ProcessGroup {
    static final String TRACKING_VARIABLE = "RUNWAY_TRACKING_ID";
    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroup.class);
    private static final Path PROC = Path.of("/proc");
    private static final List<String> SESSION_WRAPPER = findSessionWrapper();
    // Indexes into statFields: /proc/PID/stat fields 3 (state), 5 (pgrp) and 22 (starttime, in clock ticks since boot)
    private static final int STATE = 0;
    private static final int PGRP = 2;
    private static final int STARTTIME = 19;

    enum Signal { TERM, KILL }

    private final Process leader;
    private final String trackingId;
    private final byte[] trackingEntry;
    private final boolean ownGroup;
    private final long leaderStartTicks; // -1 when /proc cannot tell

    private ProcessGroup(Process leader, String trackingId, boolean ownGroup) {
        this.leader = leader;
        this.trackingId = trackingId;
        this.trackingEntry = (TRACKING_VARIABLE + "=" + trackingId + "\0").getBytes(StandardCharsets.UTF_8);
        this.ownGroup = ownGroup;
        String[] stat = statFields(leader.pid());
        this.leaderStartTicks = stat == null ? -1 : Long.parseLong(stat[STARTTIME]);
    }

    /** Starts {@code argv} in {@code directory} with exactly {@code environment} plus the tracking id; stderr joins stdout. */
    static ProcessGroup start(List<String> argv, Map<String, String> environment, Path directory, String trackingId)
            throws IOException {
        List<String> command = new ArrayList<>(SESSION_WRAPPER);
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put(TRACKING_VARIABLE, trackingId);
        return new ProcessGroup(builder.start(), trackingId, !SESSION_WRAPPER.isEmpty());
    }

    Process leader() {
        return leader;
    }

    String trackingId() {
        return trackingId;
    }

    /** Sends {@code signal} to the group and to every tracked process outside it. */
    void signal(Signal signal) {
        // Who gets a signal of their own is settled before the group gets one, and group members get only the group's:
        // a TERM trap's clean-up commands start after the signal and must not get a second TERM that cuts them short.
        Set<ProcessHandle> targets = stragglers();
        if (ownGroup) {
            targets.removeIf(handle -> processGroupOf(handle.pid()) == leader.pid());
            signalGroup(signal);
        }
        for (ProcessHandle handle : targets) {
            if (signal == Signal.KILL) {
                handle.destroyForcibly();
            } else {
                handle.destroy();
            }
        }
    }

    /** Whether the shell or anything it left behind is still running. */
    boolean anyAlive() {
        return leader.isAlive() || !stragglers().isEmpty();
    }

    /**
     * The cancel ladder: SIGTERM to everything, up to {@code graceMillis} for it all to end, then SIGKILL. Answers
     * once nothing is left (or SIGKILL was sent and the shell is gone).
     */
    void terminate(long graceMillis) throws InterruptedException {
        signal(Signal.TERM);
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        while (anyAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        killRemaining();
    }

    /** SIGKILL to whatever is left; waits for the shell to be reaped. */
    void killRemaining() throws InterruptedException {
        if (anyAlive()) {
            signal(Signal.KILL);
        }
        leader.waitFor();
    }

    private void signalGroup(Signal signal) {
        // the shell's builtin kill: "-- -PGID" addresses the group; kill(1) lives in different places per system
        ProcessBuilder kill = new ProcessBuilder("/bin/sh", "-c", "kill -s \"$0\" -- \"-$1\" 2>/dev/null",
                signal.name(), Long.toString(leader.pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            kill.start().waitFor();
        } catch (IOException e) {
            LOG.warn("Could not signal process group {}: {}", leader.pid(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live processes of this step other than the shell: group members, tracked processes, descendants. */
    private Set<ProcessHandle> stragglers() {
        Set<ProcessHandle> found = new HashSet<>();
        leader.descendants().forEach(found::add);
        if (Files.isDirectory(PROC)) {
            long self = ProcessHandle.current().pid();
            try (Stream<Path> entries = Files.list(PROC)) {
                entries.map(p -> p.getFileName().toString()).filter(ProcessGroup::isNumber).mapToLong(Long::parseLong)
                        .filter(pid -> pid != self && pid != leader.pid() && belongsHere(pid))
                        .forEach(pid -> ProcessHandle.of(pid).ifPresent(found::add));
            } catch (IOException e) {
                LOG.debug("Could not list /proc: {}", e.getMessage());
            }
        }
        found.removeIf(h -> !h.isAlive());
        return found;
    }

    private boolean belongsHere(long pid) {
        String[] fields = statFields(pid);
        try {
            if (fields == null || fields[STATE].equals("Z")) {
                return false;
            }
            if (ownGroup && Long.parseLong(fields[PGRP]) == leader.pid()) {
                return true;
            }
            // The tracking id is new with this step: a process started before the shell cannot carry it, so its
            // environment (the costly read: most of /proc is other processes) is not looked at.
            if (leaderStartTicks >= 0 && Long.parseLong(fields[STARTTIME]) < leaderStartTicks) {
                return false;
            }
            return contains(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ")), trackingEntry);
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    /** The fields of /proc/PID/stat after the command name (which may hold spaces), or null when unreadable. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields.length > STARTTIME ? fields : null;
        } catch (IOException | RuntimeException e) {
            return null; // gone, not Linux, or not ours to read
        }
    }

    /** The process group of {@code pid} from /proc, or -1 when it cannot be read. */
    private static long processGroupOf(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? -1 : Long.parseLong(fields[PGRP]);
    }

    private static boolean contains(byte[] environ, byte[] entry) {
        outer:
        for (int start = 0; start + entry.length <= environ.length; start++) {
            if (start > 0 && environ[start - 1] != 0) {
                continue; // entries start after a NUL
            }
            for (int i = 0; i < entry.length; i++) {
                if (environ[start + i] != entry[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean isNumber(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    private static List<String> findSessionWrapper() {
        return sessionWrapper(Files::isExecutable);
    }

    /** The argv prefix that starts a command as the leader of a new session; empty when there is no way. */
    static List<String> sessionWrapper(java.util.function.Predicate<Path> executable) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            if (executable.test(Path.of(dir, "setsid"))) {
                return List.of(dir + "/setsid", "--wait");
            }
        }
        if (executable.test(Path.of("/usr/bin/perl"))) { // macOS has no setsid(1), but perl
            return Arrays.asList("/usr/bin/perl", "-MPOSIX", "-e",
                    "POSIX::setsid() or die \"setsid: $!\\n\"; exec {$ARGV[0]} @ARGV or die \"$ARGV[0]: $!\\n\"");
        }
        LOG.warn("Neither setsid nor perl found: steps share the task agent's process group");
        return List.of();
    }
}
