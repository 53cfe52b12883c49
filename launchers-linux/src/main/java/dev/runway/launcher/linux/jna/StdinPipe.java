package dev.runway.launcher.linux.jna;

import com.sun.jna.LastErrorException;

/**
 * A pipe already holding a task's standard input (its token), write end closed: the read end is handed to the
 * task, which reads the bytes and then end-of-file. Nothing lands in argv, the environment or a file.
 */
public final class StdinPipe implements AutoCloseable {
    private static final int DEFAULT_CAPACITY = 65536;

    private final int readFd;

    private StdinPipe(int readFd) {
        this.readFd = readFd;
    }

    /** Creates the pipe and writes {@code bytes} into it; the pipe is grown first when they would not fit. */
    public static StdinPipe holding(byte[] bytes) throws LastErrorException {
        LibC libc = LibC.INSTANCE;
        int[] fds = new int[2];
        libc.pipe2(fds, LibC.O_CLOEXEC);
        try {
            if (bytes.length > DEFAULT_CAPACITY) {
                libc.fcntl(fds[1], LibC.F_SETPIPE_SZ, bytes.length); // EPERM above /proc/sys/fs/pipe-max-size
            }
            int written = 0;
            while (written < bytes.length) {
                byte[] rest = java.util.Arrays.copyOfRange(bytes, written, bytes.length);
                written += (int) libc.write(fds[1], rest, rest.length);
            }
        } catch (LastErrorException e) {
            libc.close(fds[0]);
            throw e;
        } finally {
            libc.close(fds[1]);
        }
        return new StdinPipe(fds[0]);
    }

    public int readFd() {
        return readFd;
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(readFd);
    }
}
