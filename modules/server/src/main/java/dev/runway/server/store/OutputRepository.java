package dev.runway.server.store;

/**
 * Step output by byte offset, in the database: what every replica of a shared store reads. Appends are idempotent by
 * offset (bytes already stored are skipped), as the runner protocol requires.
 */
public interface OutputRepository {
    /** What an append did: the output's length after it, and whether the chunk started within what was stored. */
    record Appended(long length, boolean accepted) {}

    /**
     * Stores {@code data}, which sits at {@code offset} of the step's output; a chunk that starts past the end is not
     * accepted (nothing is stored).
     */
    Appended append(String taskId, int step, long offset, byte[] data, long readAt);

    long length(String taskId, int step);

    /** Up to {@code max} bytes from {@code offset}; empty at or past the end. */
    byte[] read(String taskId, int step, long offset, int max);
}
