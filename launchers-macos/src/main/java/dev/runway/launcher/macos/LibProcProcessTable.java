package dev.runway.launcher.macos;

import com.sun.jna.Memory;
import com.sun.jna.ptr.LongByReference;
import dev.runway.launcher.macos.jna.LibSystem;
import dev.runway.launcher.macos.jna.ProcArgs;
import dev.runway.launcher.macos.jna.ProcBsdInfo;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessState;
import dev.runway.launcher.tracking.ProcessTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * macOS: the process table from libproc ({@code proc_listallpids}, {@code proc_pidinfo(PROC_PIDTBSDINFO)}), the
 * session from {@code getsid(2)}, environments and command lines from {@code sysctl(KERN_PROCARGS2)} (readable for
 * the agent's own processes, or all of them as root). Start time is in microseconds since the epoch.
 */
final class LibProcProcessTable implements ProcessTable {
    /** Room for pids created between counting and listing. */
    private static final int PID_SLACK = 64;

    private final LibSystem lib;

    LibProcProcessTable(LibSystem lib) {
        this.lib = lib;
    }

    @Override
    public List<ProcessInfo> snapshot() {
        int[] pids = listPids();
        List<ProcessInfo> processes = new ArrayList<>(pids.length);
        ProcBsdInfo info = new ProcBsdInfo();
        for (int pid : pids) {
            read(pid, info).ifPresent(processes::add);
        }
        return processes;
    }

    private int[] listPids() {
        int estimate = lib.proc_listallpids(null, 0);
        if (estimate < 0) {
            throw new IllegalStateException("proc_listallpids failed");
        }
        int[] buffer = new int[estimate + PID_SLACK];
        int count = lib.proc_listallpids(buffer, buffer.length * Integer.BYTES);
        if (count < 0) {
            throw new IllegalStateException("proc_listallpids failed");
        }
        int[] pids = new int[Math.min(count, buffer.length)];
        System.arraycopy(buffer, 0, pids, 0, pids.length);
        return pids;
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        return read((int) pid, new ProcBsdInfo());
    }

    private Optional<ProcessInfo> read(int pid, ProcBsdInfo info) {
        if (pid <= 0) {
            return Optional.empty(); // the kernel (pid 0) is not a process we track
        }
        int written = lib.proc_pidinfo(pid, ProcBsdInfo.PROC_PIDTBSDINFO, 0, info, ProcBsdInfo.SIZE);
        if (written != ProcBsdInfo.SIZE) {
            return Optional.empty(); // gone, or a zombie (libproc has no BSD info for those)
        }
        long start = info.pbi_start_tvsec * 1_000_000L + info.pbi_start_tvusec;
        int sid = lib.getsid(pid);
        return Optional.of(new ProcessInfo(pid, Integer.toUnsignedLong(info.pbi_ppid),
                Integer.toUnsignedLong(info.pbi_pgid), sid < 0 ? -1 : sid, Integer.toUnsignedLong(info.pbi_uid),
                start, state(info.pbi_status)));
    }

    static ProcessState state(int status) {
        switch (status) {
            case ProcBsdInfo.SRUN:
                return ProcessState.RUNNING;
            case ProcBsdInfo.SSLEEP:
                return ProcessState.SLEEPING;
            case ProcBsdInfo.SSTOP:
                return ProcessState.STOPPED;
            case ProcBsdInfo.SZOMB:
                return ProcessState.ZOMBIE;
            default:
                return ProcessState.OTHER;
        }
    }

    @Override
    public Optional<String> environmentVariable(long pid, String name) {
        String prefix = name + "=";
        return procArgs(pid).flatMap(args -> args.environment().stream().filter(e -> e.startsWith(prefix))
                .map(e -> e.substring(prefix.length())).findFirst());
    }

    @Override
    public Optional<String> commandLine(long pid) {
        return procArgs(pid).filter(args -> !args.arguments().isEmpty())
                .map(args -> String.join(" ", args.arguments()));
    }

    private Optional<ProcArgs> procArgs(long pid) {
        int argMax = argMax();
        if (argMax <= 0) {
            return Optional.empty();
        }
        try (Memory buffer = new Memory(argMax)) {
            LongByReference length = new LongByReference(argMax);
            int[] mib = {LibSystem.CTL_KERN, LibSystem.KERN_PROCARGS2, (int) pid};
            if (lib.sysctl(mib, mib.length, buffer, length, null, 0) != 0) {
                return Optional.empty(); // gone, or another user's process
            }
            int size = (int) Math.min(length.getValue(), argMax);
            return Optional.of(ProcArgs.parse(buffer.getByteArray(0, size), size));
        }
    }

    private int argMax() {
        try (Memory value = new Memory(Integer.BYTES)) {
            LongByReference length = new LongByReference(Integer.BYTES);
            int[] mib = {LibSystem.CTL_KERN, LibSystem.KERN_ARGMAX};
            return lib.sysctl(mib, mib.length, value, length, null, 0) == 0 ? value.getInt(0) : -1;
        }
    }
}
