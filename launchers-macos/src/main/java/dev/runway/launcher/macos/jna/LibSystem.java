package dev.runway.launcher.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * The few libSystem calls the macOS launcher needs (libproc, sysctl, signals). Loaded only on macOS:
 * {@link #load()} is never called elsewhere. {@code size_t} is 64-bit on every macOS that Runway supports (LP64), so
 * it is mapped to {@code long}.
 */
public interface LibSystem extends Library {
    int CTL_KERN = 1;
    int KERN_ARGMAX = 8;
    int KERN_PROCARGS2 = 49;

    static LibSystem load() {
        return Native.load("System", LibSystem.class);
    }

    /** Fills {@code buffer} (of {@code bufferSize} bytes) with pids; returns how many, or -1. Null buffer: a count. */
    int proc_listallpids(int[] buffer, int bufferSize);

    /** Returns the bytes written (sizeof the struct on success), 0 or -1 on error (e.g. the pid is gone). */
    int proc_pidinfo(int pid, int flavor, long arg, ProcBsdInfo buffer, int bufferSize);

    int sysctl(int[] name, int nameLength, Pointer oldValue, LongByReference oldLength, Pointer newValue,
            long newLength);

    int getsid(int pid);

    int kill(int pid, int signal);
}
