package dev.runway.launcher.macos;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.runway.launcher.macos.jna.LibSystem;
import dev.runway.launcher.macos.jna.ProcBsdInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scripted stand-in for libSystem, because macOS natives cannot run on Linux: it answers libproc, sysctl, getsid
 * and kill the way the macOS man pages and xnu describe, over a table of fake processes. Signals act as on Darwin
 * (SIGSTOP 17 stops, SIGCONT 19 continues, SIGTERM ends unless ignored, SIGKILL always ends).
 */
final class FakeLibSystem implements LibSystem {
    static final int ARG_MAX = 4096;

    static final class Proc {
        final int pid;
        final int ppid;
        final int pgid;
        final int sid;
        final long startMicros;
        final List<String> args;
        final List<String> env;
        int status = ProcBsdInfo.SSLEEP;
        boolean ignoresTerm;
        boolean termPending;

        Proc(int pid, int ppid, int pgid, int sid, long startMicros, List<String> args, List<String> env) {
            this.pid = pid;
            this.ppid = ppid;
            this.pgid = pgid;
            this.sid = sid;
            this.startMicros = startMicros;
            this.args = args;
            this.env = env;
        }
    }

    final Map<Integer, Proc> processes = new TreeMap<>();
    final List<int[]> kills = new ArrayList<>();

    Proc add(int pid, int ppid, int pgid, int sid, long startMicros, String... env) {
        Proc p = new Proc(pid, ppid, pgid, sid, startMicros, List.of("sleep", "1000"), List.of(env));
        processes.put(pid, p);
        return p;
    }

    @Override
    public synchronized int proc_listallpids(int[] buffer, int bufferSize) {
        if (buffer == null) {
            return processes.size();
        }
        int i = 0;
        for (int pid : processes.keySet()) {
            if (i >= bufferSize / Integer.BYTES) {
                break;
            }
            buffer[i++] = pid;
        }
        return i;
    }

    @Override
    public synchronized int proc_pidinfo(int pid, int flavor, long arg, ProcBsdInfo info, int bufferSize) {
        Proc p = processes.get(pid);
        if (flavor != ProcBsdInfo.PROC_PIDTBSDINFO || bufferSize != ProcBsdInfo.SIZE || p == null
                || p.status == ProcBsdInfo.SZOMB) {
            return 0;
        }
        info.pbi_pid = p.pid;
        info.pbi_ppid = p.ppid;
        info.pbi_pgid = p.pgid;
        info.pbi_uid = 501;
        info.pbi_status = p.status;
        info.pbi_start_tvsec = p.startMicros / 1_000_000;
        info.pbi_start_tvusec = p.startMicros % 1_000_000;
        return ProcBsdInfo.SIZE;
    }

    @Override
    public synchronized int sysctl(int[] name, int nameLength, Pointer oldValue, LongByReference oldLength,
            Pointer newValue, long newLength) {
        if (nameLength == 2 && name[0] == CTL_KERN && name[1] == KERN_ARGMAX) {
            oldValue.setInt(0, ARG_MAX);
            return 0;
        }
        Proc p = nameLength == 3 && name[1] == KERN_PROCARGS2 ? processes.get(name[2]) : null;
        if (p == null) {
            return -1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) p.args.size(), 0, 0, 0});
        out.writeBytes(("/bin/" + p.args.get(0) + "\0\0\0").getBytes(StandardCharsets.UTF_8));
        p.args.forEach(a -> out.writeBytes((a + "\0").getBytes(StandardCharsets.UTF_8)));
        p.env.forEach(e -> out.writeBytes((e + "\0").getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = out.toByteArray();
        oldValue.write(0, bytes, 0, bytes.length);
        oldLength.setValue(bytes.length);
        return 0;
    }

    @Override
    public synchronized int getsid(int pid) {
        Proc p = processes.get(pid);
        return p == null ? -1 : p.sid;
    }

    @Override
    public synchronized int kill(int pid, int signal) {
        kills.add(new int[] {pid, signal});
        Proc p = processes.get(pid);
        if (p == null) {
            return -1;
        }
        if (signal == 9) {
            processes.remove(pid);
        } else if (signal == 15 && !p.ignoresTerm) {
            if (p.status == ProcBsdInfo.SSTOP) {
                p.termPending = true; // a stopped process acts on it only once continued
            } else {
                processes.remove(pid);
            }
        } else if (signal == 17) {
            p.status = ProcBsdInfo.SSTOP;
        } else if (signal == 19) {
            p.status = ProcBsdInfo.SRUN;
            if (p.termPending) {
                processes.remove(pid);
            }
        }
        return 0;
    }

    synchronized List<int[]> kills() {
        return List.copyOf(kills);
    }
}
