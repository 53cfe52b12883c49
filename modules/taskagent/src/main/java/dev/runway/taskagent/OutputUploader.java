package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient.OffsetMismatchException;
import dev.runway.protocol.RunnerApi.OutputAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a step's output from its ring to the server on its own thread, chunk after chunk, concurrently with the step.
 * Bytes are freed only once acknowledged; when the server's stored length differs (a chunk whose answer was lost, a
 * restarted server), sending resumes from the server's offset. The task client retries each call with backoff.
 */
final class OutputUploader {
    private static final Logger LOG = LoggerFactory.getLogger(OutputUploader.class);

    private final OutputRing ring;
    private final OutputUpload upload;
    private final CancelSignal cancel;
    private final int maxChunkBytes;
    /** The chunk being sent: small at first, as large as the output waiting (up to the maximum) once it is more. */
    private byte[] chunk;
    private final Thread thread;
    private volatile ApiException failure;

    OutputUploader(String name, OutputRing ring, int maxChunkBytes, OutputUpload upload, CancelSignal cancel) {
        this.ring = ring;
        this.upload = upload;
        this.cancel = cancel;
        this.maxChunkBytes = maxChunkBytes;
        this.chunk = new byte[Math.min(maxChunkBytes, OutputRing.INITIAL_BYTES)];
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until every byte written to the (closed) ring is stored, or the upload failed for good. */
    void awaitDrained() throws InterruptedException {
        thread.join();
    }

    /** Why the output could not be stored, when it could not. */
    ApiException failure() {
        return failure;
    }

    private void run() {
        long next = 0;
        try {
            OutputRing.Chunk taken;
            while ((taken = ring.take(next, chunkFor(next))) != null) {
                next = send(taken);
                ring.release(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ApiException e) {
            failure = e;
            LOG.error("Output of {} could not be stored: {}", thread.getName(), e.getMessage());
            cancel.cancel(CancelSignal.Reason.SERVER_UNREACHABLE, "output could not be stored: " + e.getMessage());
            drainAndDiscard(next);
        }
    }

    /**
     * The buffer for the next chunk: grown (doubled, up to the maximum) while more output waits than it holds, so a
     * step that prints little never has a whole maximum chunk of memory, and one that prints a lot soon sends it in
     * chunks of the maximum size.
     */
    private byte[] chunkFor(long next) {
        long waiting = ring.written() - next;
        if (waiting > chunk.length && chunk.length < maxChunkBytes) {
            chunk = new byte[(int) Math.min(maxChunkBytes, 2L * chunk.length)];
        }
        return chunk;
    }

    /** The bytes of the chunk buffer now. */
    int chunkBytes() {
        return chunk.length;
    }

    /** Sends one chunk; answers the offset to continue from. */
    private long send(OutputRing.Chunk taken) throws ApiException, InterruptedException {
        try {
            OutputAck ack = upload.append(taken.offset(), chunk, taken.length(), taken.readAtMillis());
            if (ack.canceled()) {
                cancel.cancel(CancelSignal.Reason.CANCELED, "the job was canceled");
            }
            return Math.min(ack.nextOffset(), taken.offset() + taken.length());
        } catch (OffsetMismatchException mismatch) {
            long expected = mismatch.expectedOffset();
            if (expected < ring.released() || expected > ring.written()) {
                // the server lost bytes it had acknowledged, or holds bytes never written: nothing can mend that
                throw mismatch;
            }
            LOG.debug("Output of {}: server holds {} bytes, resending from there", thread.getName(), expected);
            return expected;
        }
    }

    /** Keeps the step from blocking on a full ring once its output cannot be stored anyway. */
    private void drainAndDiscard(long from) {
        try {
            long next = from;
            OutputRing.Chunk taken;
            while ((taken = ring.take(Math.max(next, ring.released()), chunk)) != null) {
                next = taken.offset() + taken.length();
                ring.release(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
