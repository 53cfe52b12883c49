package dev.runway.taskagent;

import java.io.FileInputStream;
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
    private static final long KILL_SETTLE_NANOS = 2_000_000_000L;

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
        Stat stat = Stat.of(leader.pid());
        this.leaderStartTicks = stat == null ? -1 : stat.startTicks();
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

    /**
     * SIGKILL to whatever is left; waits for the shell to be reaped, and (up to 2 s) for the rest to be gone: a
     * process acts on SIGKILL when it is next scheduled, and the next step must not overlap what this one left.
     */
    void killRemaining() throws InterruptedException {
        if (anyAlive()) {
            signal(Signal.KILL);
            long deadline = System.nanoTime() + KILL_SETTLE_NANOS;
            while (!stragglers().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
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
        // /proc is read after every step, every process's stat: plain loops and bytes, no streams or strings per
        // process (in a JVM this young, that is interpreted code, and it cost each step about 20 ms of CPU)
        String[] names = PROC.toFile().list();
        if (names != null) {
            long self = ProcessHandle.current().pid();
            for (String name : names) {
                long pid = pidOf(name);
                if (pid > 0 && pid != self && pid != leader.pid() && belongsHere(pid)) {
                    ProcessHandle.of(pid).ifPresent(found::add);
                }
            }
        }
        found.removeIf(h -> !h.isAlive());
        return found;
    }

    private boolean belongsHere(long pid) {
        Stat stat = Stat.of(pid);
        if (stat == null || stat.state() == 'Z') {
            return false;
        }
        if (ownGroup && stat.processGroup() == leader.pid()) {
            return true;
        }
        // The tracking id is new with this step: a process started before the shell cannot carry it, so its
        // environment (the costly read: most of /proc is other processes) is not looked at.
        if (leaderStartTicks >= 0 && stat.startTicks() < leaderStartTicks) {
            return false;
        }
        try {
            return contains(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ")), trackingEntry);
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    /** The process group of {@code pid} from /proc, or -1 when it cannot be read. */
    private static long processGroupOf(long pid) {
        Stat stat = Stat.of(pid);
        return stat == null ? -1 : stat.processGroup();
    }

    /**
     * What the sweep needs of /proc/PID/stat: fields 3 (state), 5 (pgrp) and 22 (starttime, in clock ticks since
     * boot), counted after the command name, which may hold spaces and parentheses.
     */
    record Stat(char state, long processGroup, long startTicks) {
        private static final int STATE = 0;
        private static final int PGRP = 2;
        private static final int STARTTIME = 19;

        /** Null when it cannot be read: gone, not Linux, or not ours to read. */
        static Stat of(long pid) {
            byte[] bytes = new byte[1024]; // the fields before starttime take at most about 400 bytes
            int length;
            try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
                length = in.readNBytes(bytes, 0, bytes.length);
            } catch (IOException e) {
                return null;
            }
            return parse(bytes, length);
        }

        static Stat parse(byte[] bytes, int length) {
            int at = length - 1;
            while (at >= 0 && bytes[at] != ')') {
                at--;
            }
            at += 2; // past ") "
            char state = 0;
            long group = -1;
            for (int field = 0; at < length && field <= STARTTIME; field++) {
                int end = at;
                while (end < length && bytes[end] != ' ' && bytes[end] != '\n') {
                    end++;
                }
                if (field == STATE) {
                    state = (char) bytes[at];
                } else if (field == PGRP) {
                    group = number(bytes, at, end);
                } else if (field == STARTTIME) {
                    long start = number(bytes, at, end);
                    return state == 0 || group < 0 || start < 0 ? null : new Stat(state, group, start);
                }
                at = end + 1;
            }
            return null;
        }

        /** The decimal number in bytes[from, to), or -1 when it is not one. */
        private static long number(byte[] bytes, int from, int to) {
            if (from >= to) {
                return -1;
            }
            long value = 0;
            for (int i = from; i < to; i++) {
                int digit = bytes[i] - '0';
                if (digit < 0 || digit > 9) {
                    return -1;
                }
                value = value * 10 + digit;
            }
            return value;
        }
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

    /** The pid that a /proc entry's name is, or -1 for the entries that are not processes. */
    private static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
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
