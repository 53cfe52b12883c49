package dev.runway.server.blobs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flushes an upload file's bytes to disk on a thread of its own while more of them arrive ({@code fdatasync} every
 * {@link #EVERY} bytes written, one at a time per upload), so that the fsync before the blob is published finds
 * little left to write: the disk works while the network does. It adds no durability of its own and takes none away:
 * the caller still fsyncs the whole file at its end, and a failed flush is thrown there (a write error is reported to
 * a file descriptor once, so it must not be lost on this thread).
 */
final class Writeback {
    /** Bytes written between two flushes: large enough that a flush's journal commit is rare. */
    static final long EVERY = 32L * 1024 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadFactory DAEMONS = work -> {
        Thread thread = new Thread(work, "blob writeback " + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    };
    /** Threads that only wait for the disk: one per upload that is flushing, idle ones end after a minute. */
    private static final ExecutorService FLUSHERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DAEMONS);

    /** A flush failed: the cause is the flush's error. */
    static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;

        Failed(Throwable cause) {
            super(cause.toString(), cause);
        }
    }

    private final FileChannel channel;
    private long unflushed;
    private Future<?> flushing;
    private Failed failure;

    Writeback(FileChannel channel) {
        this.channel = channel;
    }

    /** Notes {@code bytes} more written; starts a flush when enough are and none is under way. */
    void written(long bytes) throws Failed {
        unflushed += bytes;
        if (unflushed < EVERY) {
            return;
        }
        if (flushing != null) {
            if (!flushing.isDone()) {
                return; // the disk is behind: the next write asks again
            }
            collect();
        }
        unflushed = 0;
        flushing = FLUSHERS.submit(() -> {
            channel.force(false);
            return null;
        });
    }

    /**
     * Waits for the flush under way (the channel must stay open until then); throws what a flush failed with. Called
     * once, before the caller's own fsync or when the upload stops.
     */
    void finish() throws Failed {
        if (flushing != null) {
            collect();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void collect() throws Failed {
        Future<?> done = flushing;
        flushing = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the flush uses the channel: it ends before the channel may be closed
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (failure == null) {
                failure = new Failed(cause);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
