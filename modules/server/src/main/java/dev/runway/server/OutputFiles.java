package dev.runway.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step output, outside the database: one append-only file per step ({@code output/TASK/STEP.log}) and beside it the
 * time each chunk was read ({@code STEP.at}: lines "offset epochMillis"). The file length is the truth about what
 * was acknowledged, which makes appends idempotent by offset. Bytes are written before the call returns.
 */
final class OutputFiles implements StepOutput {
    private static final int STRIPES = 64;
    private static final java.util.Set<StandardOpenOption> APPEND = java.util.EnumSet.of(StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    private final Path root;
    private final Object[] locks = new Object[STRIPES];
    private final LongAdder stored = new LongAdder();

    OutputFiles(Path root) {
        this.root = root;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private Path log(String taskId, int step) {
        return root.resolve(taskId).resolve(step + ".log");
    }

    private Object lock(String taskId, int step) {
        return locks[Math.floorMod(taskId.hashCode() * 31 + step, STRIPES)];
    }

    @Override
    public long append(String taskId, int step, long offset, byte[] data, long readAt) {
        synchronized (lock(taskId, step)) {
            try {
                long length = length(taskId, step);
                if (offset > length || offset < 0) {
                    throw StepOutput.gap(step, length, offset);
                }
                long skip = length - offset;
                if (skip >= data.length) {
                    return length;
                }
                Path log = log(taskId, step);
                if (length == 0) {
                    // a longer file has its directory already
                    PrivateFiles.createDirectory(root);
                    PrivateFiles.createDirectory(log.getParent());
                }
                appendTo(log, ByteBuffer.wrap(data, (int) skip, data.length - (int) skip));
                appendTo(log.resolveSibling(step + ".at"), ByteBuffer.wrap((length + " " + readAt + "\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                stored.add(data.length - skip);
                return length + data.length - skip;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store output of task " + taskId + " step " + step, e);
            }
        }
    }

    /** Appends to a file made 0600: output can hold what a job printed of its secrets. */
    private static void appendTo(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, APPEND, PrivateFiles.OWNER_ONLY_FILE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** Bytes of output stored since this server started (re-sent bytes, skipped, are not counted). */
    @Override
    public long bytesStored() {
        return stored.sum();
    }

    @Override
    public long length(String taskId, int step) {
        try {
            return Files.size(log(taskId, step));
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] read(String taskId, int step, long offset, int max) {
        try (FileChannel channel = FileChannel.open(log(taskId, step), StandardOpenOption.READ)) {
            long available = channel.size() - offset;
            if (available <= 0) {
                return new byte[0];
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, available));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read until full
            }
            return buffer.position() == buffer.capacity() ? buffer.array()
                    : java.util.Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
