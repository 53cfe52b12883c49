package dev.runway.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The sha256 of a file's first {@code size} bytes, computed on a thread of its own (so that hashing a file being
 * uploaded runs beside the sending, on another core). The bytes are read from the page cache, where the upload just
 * read them or is about to.
 */
final class FileHash {
    private static final int BUFFER = 256 * 1024;
    private final CompletableFuture<MessageDigest> result = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean cancelled;

    private FileHash(Path file, long size) {
        thread = new Thread(() -> {
            try {
                result.complete(hash(file, size));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "runway-upload-hash");
        thread.setDaemon(true);
    }

    /** Starts hashing {@code size} bytes of {@code file}. */
    static FileHash start(Path file, long size) {
        FileHash hash = new FileHash(file, size);
        hash.thread.start();
        return hash;
    }

    /** Stops the hashing (its result is no longer wanted). */
    void cancel() {
        cancelled = true;
    }

    /** Waits for the digest; fails as the reading failed (a file shorter than its size names itself). */
    MessageDigest digest() throws IOException, InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().toString(), e.getCause());
        }
    }

    private MessageDigest hash(Path file, long size) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER];
        long done = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (done < size && !cancelled) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, size - done));
                if (read < 0) {
                    throw new IOException(file + " shrank while it was uploaded: " + done + " of " + size
                            + " bytes");
                }
                digest.update(buffer, 0, read);
                done += read;
            }
        }
        return digest;
    }
}
