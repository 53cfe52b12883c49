package dev.runway.server.blobs;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sha256 of an upload computed on a thread of its own, one piece behind the receiving thread: while a piece is
 * hashed, the next one is read from the socket and written, so that the receiving thread drains the connection
 * sooner (the sender waits less) and the two halves of the work share the cores. The caller hands pieces over in
 * order and alternates between two buffers: {@link #update} waits until the piece before is hashed, so the buffer
 * it was in may be filled again.
 */
final class PipelinedDigest {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadFactory DAEMONS = work -> {
        Thread thread = new Thread(work, "blob digest " + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    };
    /** One thread per upload that is hashing; idle ones end after a minute. */
    private static final ExecutorService HASHERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DAEMONS);

    private final MessageDigest digest;
    private Future<?> hashing;

    PipelinedDigest(MessageDigest digest) {
        this.digest = digest;
    }

    /** Waits for the piece before, then starts hashing {@code length} bytes of {@code piece}. */
    void update(byte[] piece, int length) throws IOException {
        await();
        hashing = HASHERS.submit(() -> digest.update(piece, 0, length));
    }

    /** Waits until every piece handed over is hashed (before the digest is read or the upload stops). */
    void await() throws IOException {
        Future<?> pending = hashing;
        if (pending == null) {
            return;
        }
        hashing = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    pending.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the piece's buffer is in use until its hash is done
                }
            }
        } catch (ExecutionException e) {
            throw new IOException("hashing the upload failed: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
