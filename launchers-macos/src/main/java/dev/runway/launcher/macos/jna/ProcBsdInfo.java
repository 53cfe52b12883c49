package dev.runway.launcher.macos.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct proc_bsdinfo} from the macOS SDK's sys/proc_info.h (xnu bsd/sys/proc_info.h), filled by
 * {@code proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &info, sizeof info)}. Layout (byte offsets, the same on x86_64 and
 * arm64): twelve uint32 (flags 0, status 4, xstatus 8, pid 12, ppid 16, uid 20, gid 24, ruid 28, rgid 32, svuid 36,
 * svgid 40, rfu_1 44), pbi_comm[16] at 48, pbi_name[32] at 64, nfiles 96, pgid 100, pjobc 104, e_tdev 108,
 * e_tpgid 112, nice 116, start_tvsec (uint64) 120, start_tvusec (uint64) 128; sizeof = 136. ProcBsdInfoLayoutTest
 * asserts every one of these.
 */
@FieldOrder({"pbi_flags", "pbi_status", "pbi_xstatus", "pbi_pid", "pbi_ppid", "pbi_uid", "pbi_gid", "pbi_ruid",
    "pbi_rgid", "pbi_svuid", "pbi_svgid", "rfu_1", "pbi_comm", "pbi_name", "pbi_nfiles", "pbi_pgid", "pbi_pjobc",
    "e_tdev", "e_tpgid", "pbi_nice", "pbi_start_tvsec", "pbi_start_tvusec"})
public class ProcBsdInfo extends Structure {
    public static final int SIZE = 136;
    /** proc_pidinfo flavor that fills this struct. */
    public static final int PROC_PIDTBSDINFO = 3;
    /** pbi_status values (sys/proc.h). */
    public static final int SIDL = 1;
    public static final int SRUN = 2;
    public static final int SSLEEP = 3;
    public static final int SSTOP = 4;
    public static final int SZOMB = 5;

    public int pbi_flags;
    public int pbi_status;
    public int pbi_xstatus;
    public int pbi_pid;
    public int pbi_ppid;
    public int pbi_uid;
    public int pbi_gid;
    public int pbi_ruid;
    public int pbi_rgid;
    public int pbi_svuid;
    public int pbi_svgid;
    public int rfu_1;
    public byte[] pbi_comm = new byte[16];
    public byte[] pbi_name = new byte[32];
    public int pbi_nfiles;
    public int pbi_pgid;
    public int pbi_pjobc;
    public int e_tdev;
    public int e_tpgid;
    public int pbi_nice;
    public long pbi_start_tvsec;
    public long pbi_start_tvusec;

    /** The byte offset of a field as JNA lays the struct out (for the layout test). */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}
