package dev.runway.agent;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code runner.max_concurrent_tasks}: a slot is taken before a claim and given back when its task ends. Slots are
 * numbered 1..total, so that a per-slot {@code task_user} ({@code circleci-%d}) gives no two running tasks one user.
 */
final class Slots {
    private final int total;
    private final Semaphore free;
    private final TreeSet<Integer> numbers = new TreeSet<>();
    /** Slots given back while their last task's task agent still exits (guarded by {@link #numbers}). */
    private final Set<Integer> exiting = new HashSet<>();

    Slots(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("runner.max_concurrent_tasks must be at least 1, not " + total);
        }
        this.total = total;
        this.free = new Semaphore(total);
        for (int slot = 1; slot <= total; slot++) {
            numbers.add(slot);
        }
    }

    /** Takes the lowest free slot, waiting at most {@code max}; its number (1..total), or 0 when none freed up. */
    int take(Duration max) throws InterruptedException {
        if (!free.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        synchronized (numbers) {
            return numbers.pollFirst();
        }
    }

    void give(int slot) {
        synchronized (numbers) {
            if (slot < 1 || slot > total || !numbers.add(slot)) {
                throw new IllegalStateException("slot " + slot + " was not taken");
            }
        }
        free.release();
    }

    /**
     * Marks {@code slot} as hosting a task agent that exits while the slot takes its next task; false when it already
     * hosts one (a slot never holds more than one exiting task agent beside its task). {@link #exited} ends it.
     */
    boolean markExiting(int slot) {
        synchronized (numbers) {
            return exiting.add(slot);
        }
    }

    /** The task agent {@link #markExiting} was about has exited and its tree is gone. */
    void exited(int slot) {
        synchronized (numbers) {
            exiting.remove(slot);
        }
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
