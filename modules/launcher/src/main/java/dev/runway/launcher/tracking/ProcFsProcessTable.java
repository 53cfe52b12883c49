package dev.runway.launcher.tracking;

import java.io.FileInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Linux: the process table read from /proc (proc(5)). */
public final class ProcFsProcessTable implements ProcessTable {
    /** /proc/PID/stat is about 300 bytes; the command name is at most 64. */
    private static final int STAT_BUFFER = 2048;

    private final Path proc;

    public ProcFsProcessTable() {
        this(Path.of("/proc"));
    }

    /** For tests: a directory laid out like /proc. */
    public ProcFsProcessTable(Path proc) {
        this.proc = proc;
    }

    /** Whether this machine has a Linux /proc to read. */
    public static boolean isSupported() {
        return Files.isReadable(Path.of("/proc/self/stat")) && Files.isReadable(Path.of("/proc/self/environ"));
    }

    /**
     * Now, in the units of this table's start times: clock ticks since boot (USER_HZ, 100 per second, whatever the
     * kernel's own tick), read from {@code uptime}, whose seconds have two decimals.
     */
    public long nowTicks() {
        try {
            String uptime = Files.readString(proc.resolve("uptime"), StandardCharsets.US_ASCII).strip();
            int space = uptime.indexOf(' ');
            return new BigDecimal(space < 0 ? uptime : uptime.substring(0, space)).movePointRight(2).longValue();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + proc.resolve("uptime") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ProcessInfo> snapshot() {
        String[] names = proc.toFile().list();
        if (names == null) {
            throw new IllegalStateException("cannot list " + proc);
        }
        List<ProcessInfo> processes = new ArrayList<>(names.length);
        byte[] buffer = new byte[STAT_BUFFER];
        for (String name : names) {
            long pid = parsePid(name);
            if (pid > 0) {
                read(pid, buffer).ifPresent(processes::add);
            }
        }
        return processes;
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        return read(pid, new byte[STAT_BUFFER]);
    }

    /** Sampled many times a second: a plain stream into a reused buffer costs half of Files.readString. */
    private Optional<ProcessInfo> read(long pid, byte[] buffer) {
        Path dir = proc.resolve(Long.toString(pid));
        try (FileInputStream in = new FileInputStream(dir.resolve("stat").toFile())) {
            int length = 0;
            for (int n; length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0;) {
                length += n;
            }
            String stat = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
            long uid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            return Optional.of(parseStat(stat, uid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // exited while we looked, or not readable
        }
    }

    @Override
    public Optional<String> environmentVariable(long pid, String name) {
        String prefix = name + "=";
        for (String entry : readNulSeparated(pid, "environ")) {
            if (entry.startsWith(prefix)) {
                return Optional.of(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> commandLine(long pid) {
        List<String> args = readNulSeparated(pid, "cmdline");
        return args.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", args));
    }

    private List<String> readNulSeparated(long pid, String file) {
        try {
            String content = Files.readString(proc.resolve(Long.toString(pid)).resolve(file), StandardCharsets.UTF_8);
            List<String> parts = new ArrayList<>();
            for (String part : content.split("\0")) {
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
            return parts;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Parses /proc/PID/stat. The command name (field 2) is in parentheses and may itself contain spaces and
     * parentheses, so the fields after it are found from the last ')'.
     */
    static ProcessInfo parseStat(String stat, long uid) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("malformed stat line: " + stat);
        }
        long pid = Long.parseLong(stat.substring(0, open).trim());
        // After the name: field 3 of proc(5) is the state, then ppid, pgrp, session, ...; starttime is field 22.
        String[] fields = new String[STARTTIME + 1];
        int at = close + 1;
        for (int i = 0; i < fields.length; i++) {
            while (at < stat.length() && stat.charAt(at) == ' ') {
                at++;
            }
            int end = stat.indexOf(' ', at);
            fields[i] = stat.substring(at, end < 0 ? stat.length() : end).trim();
            at = end < 0 ? stat.length() : end;
        }
        return new ProcessInfo(pid, Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
                uid, Long.parseLong(fields[STARTTIME]), state(fields[0].charAt(0)));
    }

    /** Index of starttime (field 22) among the fields after the command name (which start at field 3). */
    private static final int STARTTIME = 19;

    private static ProcessState state(char code) {
        switch (code) {
            case 'R':
                return ProcessState.RUNNING;
            case 'S':
            case 'D':
            case 'I':
                return ProcessState.SLEEPING;
            case 'T':
            case 't':
                return ProcessState.STOPPED;
            case 'Z':
            case 'X':
            case 'x':
                return ProcessState.ZOMBIE;
            default:
                return ProcessState.OTHER;
        }
    }

    private static long parsePid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(name);
    }
}
