package dev.runway.launcher.linux.jna;

import com.sun.jna.LastErrorException;
import java.util.Arrays;

/**
 * A pipe for a standby task agent's standard input: the read end goes to its unit, the write end stays here until
 * the task is written into it (or the standby is dismissed), then closes, and the reader sees end-of-file. Both ends
 * are close-on-exec: nothing else this process starts holds them.
 */
public final class OpenStdinPipe {
    private final int readFd;
    private int writeFd;
    private boolean readClosed;

    private OpenStdinPipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    public static OpenStdinPipe open() throws LastErrorException {
        int[] fds = new int[2];
        LibC.INSTANCE.pipe2(fds, LibC.O_CLOEXEC);
        return new OpenStdinPipe(fds[0], fds[1]);
    }

    public int readFd() {
        return readFd;
    }

    /** Our copy of the read end, once the unit has its own (systemd duplicated it). */
    public synchronized void closeReadEnd() {
        if (!readClosed) {
            readClosed = true;
            LibC.INSTANCE.close(readFd);
        }
    }

    /** Writes all of {@code bytes} (waiting while the reader catches up), then closes the write end. */
    public synchronized void writeAndClose(byte[] bytes) throws LastErrorException {
        if (writeFd < 0) {
            throw new IllegalStateException("the standard input is closed already");
        }
        try {
            int written = 0;
            while (written < bytes.length) {
                byte[] rest = Arrays.copyOfRange(bytes, written, bytes.length);
                written += (int) LibC.INSTANCE.write(writeFd, rest, rest.length);
                Arrays.fill(rest, (byte) 0);
            }
        } finally {
            closeWriteEnd();
        }
    }

    /** Closes the write end: the reader sees end-of-file. */
    public synchronized void closeWriteEnd() {
        if (writeFd >= 0) {
            LibC.INSTANCE.close(writeFd);
            writeFd = -1;
        }
    }
}
