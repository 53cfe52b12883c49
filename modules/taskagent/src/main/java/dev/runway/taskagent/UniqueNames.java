package dev.runway.taskagent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Names unique on this host: the process id, the start of this process on the monotonic clock, a counter. No
 * UUID: {@code UUID.randomUUID()} sets up a SecureRandom, tens of milliseconds of every task agent's start, and these
 * names (process tracking markers, scratch directories) need to be unique, not secret.
 */
final class UniqueNames {
    private static final String PREFIX = ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime(), 36);
    private static final AtomicLong COUNTER = new AtomicLong();

    private UniqueNames() {}

    static String next() {
        return PREFIX + "-" + COUNTER.incrementAndGet();
    }
}
