package dev.runway.taskagent;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A bounded ring of a step's output between the reader (the step's pipe) and the uploader. Bytes are addressed
 * by their offset in the step's output and stay until the server has acknowledged them, so a chunk can be resent
 * from any unacknowledged offset. A full ring blocks the writer: memory stays bounded and the step waits for the
 * server, so nothing is dropped.
 *
 * <p>The ring starts small and doubles, up to its capacity, only when the bytes not yet acknowledged fill it. Most
 * steps print little, and a new array of the whole capacity (8 MiB) is memory the kernel hands over page by page:
 * in a task agent that took about 25 ms of every step, beside the step's first command and before its end could be
 * seen.
 */
final class OutputRing implements OutputSink {
    /** A new time mark only when the clock moved this much: enough resolution for a log's timestamps. */
    private static final long MARK_RESOLUTION_MILLIS = 50;
    private static final int MAX_MARKS = 256;
    /** How long a chunk may wait to fill up: small against a person reading, large against a request's cost. */
    private static final long LINGER_NANOS = 20_000_000;

    /** The ring starts this large (or at its capacity, when that is less). */
    static final int INITIAL_BYTES = 64 * 1024;

    private final int capacity;
    private byte[] ring;
    private long written;  // offset after the last byte written
    private long released; // offset before which bytes were acknowledged and freed
    private boolean closed;
    // the taker sleeps until this much is written: waking it for every small write would cost a thread switch each
    private long takerWakesAt = Long.MAX_VALUE;
    // (offset, epoch millis) of the first byte read at that time, oldest first
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();

    OutputRing(int capacity) {
        this(INITIAL_BYTES, capacity);
    }

    /** A ring of {@code initial} bytes that grows up to {@code capacity}. */
    OutputRing(int initial, int capacity) {
        if (initial <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("a ring needs room, got " + initial + " and " + capacity);
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(initial, capacity)];
    }

    /** The bytes the ring holds memory for now (at most its capacity). */
    synchronized int allocated() {
        return ring.length;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length, long readAtMillis)
            throws InterruptedException {
        if (length > 0 && !closed) {
            long[] last = marks.peekLast();
            if (last == null || (readAtMillis - last[1] >= MARK_RESOLUTION_MILLIS && marks.size() < MAX_MARKS)) {
                marks.addLast(new long[] {written, readAtMillis});
            }
        }
        int done = 0;
        while (done < length) {
            if (written - released == ring.length && ring.length < capacity) {
                grow();
            }
            while (!closed && written - released == ring.length) {
                wait();
            }
            if (closed) {
                return; // the step's output was abandoned (see close); late bytes go nowhere
            }
            int start = (int) (written % ring.length);
            int space = (int) Math.min(ring.length - (written - released), ring.length - start);
            int n = Math.min(space, length - done);
            System.arraycopy(bytes, offset + done, ring, start, n);
            written += n;
            done += n;
            if (written >= takerWakesAt) {
                notifyAll();
            }
        }
    }

    /** Twice the room (at most the capacity), the bytes not yet acknowledged moved to their places in it. */
    private void grow() {
        byte[] larger = new byte[(int) Math.min(capacity, 2L * ring.length)];
        for (long offset = released; offset < written; ) {
            int from = (int) (offset % ring.length);
            int to = (int) (offset % larger.length);
            int n = (int) Math.min(written - offset, Math.min(ring.length - from, larger.length - to));
            System.arraycopy(ring, from, larger, to, n);
            offset += n;
        }
        ring = larger;
    }

    /** No more bytes will be written: the reader may drain what is left. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized long written() {
        return written;
    }

    synchronized long released() {
        return released;
    }

    /**
     * Copies bytes from {@code from} into {@code dest}, waiting until there are some. The chunk holds at most
     * dest.length bytes and spans less than a second of reads, so its read time describes all of it. Answers null
     * when the ring is closed and nothing from {@code from} on is left.
     */
    synchronized Chunk take(long from, byte[] dest) throws InterruptedException {
        if (from < released) {
            throw new IllegalArgumentException("offset " + from + " was already released (" + released + ")");
        }
        takerWakesAt = from + 1;
        while (written <= from && !closed) {
            wait();
        }
        if (written <= from) {
            return null;
        }
        // a steady stream: let a chunk fill up a little, so it is sent in fewer, larger requests
        takerWakesAt = from + dest.length / 2;
        long lingerEnd = System.nanoTime() + LINGER_NANOS;
        long waitNanos;
        while (!closed && written < takerWakesAt && (waitNanos = lingerEnd - System.nanoTime()) > 0) {
            wait(Math.max(1, waitNanos / 1_000_000));
        }
        takerWakesAt = Long.MAX_VALUE;
        long at = 0;
        long end = Math.min(written, from + dest.length);
        for (long[] mark : marks) {
            if (mark[0] <= from) {
                at = mark[1];
            } else if (at != 0 && mark[1] - at >= 1000 && mark[0] < end) {
                end = mark[0];
                break;
            }
        }
        int length = (int) (end - from);
        int start = (int) (from % ring.length);
        int first = Math.min(length, ring.length - start);
        System.arraycopy(ring, start, dest, 0, first);
        System.arraycopy(ring, 0, dest, first, length - first);
        return new Chunk(from, length, at == 0 ? System.currentTimeMillis() : at);
    }

    /** The server holds every byte before {@code offset}: free their room. */
    synchronized void release(long offset) {
        long upTo = Math.min(offset, written);
        if (upTo <= released) {
            return;
        }
        released = upTo;
        // keep the last mark at or before the released offset: it dates the next chunk's first byte
        int obsolete = 0;
        Iterator<long[]> it = marks.iterator();
        if (it.hasNext()) {
            it.next();
        }
        while (it.hasNext() && it.next()[0] <= released) {
            obsolete++;
        }
        for (int i = 0; i < obsolete; i++) {
            marks.removeFirst();
        }
        notifyAll();
    }

    /** {@code length} bytes at {@code offset} of the step's output, read at {@code readAtMillis}. */
    record Chunk(long offset, int length, long readAtMillis) {}
}
