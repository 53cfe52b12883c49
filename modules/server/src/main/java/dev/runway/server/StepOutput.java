package dev.runway.server;

import dev.runway.protocol.RunnerApi.OffsetMismatch;

/**
 * Where step output is kept, by byte offset: files in the data directory ({@link OutputFiles}) for one server, the
 * database ({@link DatabaseOutput}) when replicas share it. Appends are idempotent by offset.
 */
interface StepOutput {
    /**
     * Stores {@code data}, which sits at {@code offset} of the step's output; bytes already stored are skipped.
     * Answers the new length. A chunk past the end is refused with 409 {@link OffsetMismatch} ({@link #gap}).
     */
    long append(String taskId, int step, long offset, byte[] data, long readAt);

    long length(String taskId, int step);

    /** Bytes of output this server stored since it started (for the metrics). */
    long bytesStored();

    /** Up to {@code max} bytes from {@code offset}; empty at or past the end. */
    byte[] read(String taskId, int step, long offset, int max);

    /** The 409 for a chunk that starts past what is stored. */
    static ApiError gap(int step, long length, long offset) {
        String message = "output of step " + step + " ends at byte " + length + ", the chunk starts at " + offset;
        return new ApiError(409, message, new OffsetMismatch(message, length));
    }
}
