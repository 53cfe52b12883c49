package dev.runway.taskagent.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a producer of byte chunks on a thread of its own, a few chunks ahead of the caller's thread, which writes them
 * out. An archive's walk and reads (an {@code lstat}, {@code open}, {@code read} and {@code close} per file: system
 * calls) then overlap its compression and writing, as {@code tar} and {@code zstd} do in two processes. The producer
 * has stopped when {@link #copy} returns, whether it succeeded or not.
 */
final class ReadAhead {
    private static final int CHUNK = 1024 * 1024;
    private static final int CHUNKS = 4;
    private static final Filled END = new Filled(new byte[0], -1);

    private ReadAhead() {}

    /** What fills the chunks: it hands each full one to the sink, which answers the next to fill. */
    interface Producer {
        void produce(TarWriter.Sink sink, byte[] first) throws IOException;
    }

    private record Filled(byte[] bytes, int length) {}

    /** Runs {@code producer} on a thread named {@code name} and writes what it produces into {@code out}. */
    static void copy(String name, Producer producer, OutputStream out) throws IOException {
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
        // every chunk at once and the end: the producer never waits to end
        BlockingQueue<Filled> full = new ArrayBlockingQueue<>(CHUNKS + 1);
        for (int i = 1; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                producer.produce((chunk, length) -> {
                    try {
                        full.put(new Filled(chunk, length));
                        return free.take();
                    } catch (InterruptedException stopped) {
                        throw new InterruptedIOException("stopped: the archive's writing failed");
                    }
                }, new byte[CHUNK]);
            } catch (Throwable failed) {
                failure.set(failed);
            } finally {
                full.add(END);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        try {
            for (Filled chunk; (chunk = full.take()) != END; ) {
                out.write(chunk.bytes(), 0, chunk.length());
                free.add(chunk.bytes());
            }
        } catch (InterruptedException interrupted) {
            stop(thread);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing an archive");
        } catch (IOException | RuntimeException | Error failed) {
            stop(thread);
            throw failed;
        }
        awaitEnd(thread);
        Throwable failed = failure.get();
        if (failed instanceof IOException e) {
            throw e;
        } else if (failed instanceof RuntimeException e) {
            throw e;
        } else if (failed instanceof Error e) {
            throw e;
        } else if (failed != null) {
            throw new IOException(failed);
        }
    }

    private static void stop(Thread thread) {
        thread.interrupt();
        awaitEnd(thread);
    }

    /** Waits for {@code thread} to end, keeping an interrupt for the caller. */
    private static void awaitEnd(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
