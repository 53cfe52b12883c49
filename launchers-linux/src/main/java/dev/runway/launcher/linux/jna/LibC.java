package dev.runway.launcher.linux.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls the Linux launchers need (LP64 Linux: size_t and ssize_t are Java longs). */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_CLOEXEC = 0x80000;
    int F_SETPIPE_SZ = 1031;
    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int PR_SET_CHILD_SUBREAPER = 36;
    int PR_GET_CHILD_SUBREAPER = 37;
    int WNOHANG = 1;
    int SIGKILL = 9;
    int SIGTERM = 15;
    int SIGCONT = 18;

    int pipe2(int[] fds, int flags) throws LastErrorException;

    long write(int fd, byte[] buffer, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fcntl(int fd, int command, int argument) throws LastErrorException;

    int geteuid();

    int getpid();

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    /** prctl with a pointer argument, e.g. PR_GET_CHILD_SUBREAPER's {@code int *}. */
    int prctl(int option, int[] arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    int waitpid(int pid, int[] status, int options) throws LastErrorException;

    int kill(int pid, int signal) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    String strerror(int errno);
}
