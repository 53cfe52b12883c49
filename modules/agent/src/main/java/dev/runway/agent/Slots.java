package dev.runway.agent;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** {@code runner.max_concurrent_tasks}: a slot is taken before a claim and given back when its task ends. */
final class Slots {
    private final int total;
    private final Semaphore free;

    Slots(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("runner.max_concurrent_tasks must be at least 1, not " + total);
        }
        this.total = total;
        this.free = new Semaphore(total);
    }

    /** Takes a slot, waiting at most {@code max}; false when none freed up in time. */
    boolean take(Duration max) throws InterruptedException {
        return free.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    void give() {
        free.release();
    }

    int free() {
        return free.availablePermits();
    }

    int total() {
        return total;
    }

    int busy() {
        return total - free.availablePermits();
    }
}
