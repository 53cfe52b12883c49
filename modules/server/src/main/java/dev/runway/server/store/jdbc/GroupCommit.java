package dev.runway.server.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Group commit for one kind of request, served by at most a fixed number of batches at once (its lanes). The first
 * caller that finds no batch forming leads one: it waits for a free lane, and every request that arrives meanwhile
 * joins its batch instead of waiting itself. With the lane, the leader takes the batch and serves it in one
 * transaction (one commit); each caller gets its own outcome only after that, so an answer never leaves before its
 * commit. The next arrival leads the next batch, which forms while this one is served. Under no contention a batch
 * is one request. With one lane, the lane is the store's lock, which every other transaction takes too.
 *
 * @param <R> a request
 * @param <T> what one request answers
 */
final class GroupCommit<R, T> {
    /** One request's outcome: a value, or the error that refused this request alone. */
    record Outcome<T>(T value, RuntimeException error) {
        static <T> Outcome<T> of(T value) {
            return new Outcome<>(value, null);
        }

        static <T> Outcome<T> refused(RuntimeException error) {
            return new Outcome<>(null, error);
        }
    }

    /**
     * Serves a batch, in order, as one transaction; answers one outcome per request. Throwing fails every request of
     * the batch (the transaction was rolled back).
     */
    @FunctionalInterface
    interface Batch<R, T> {
        List<Outcome<T>> run(List<R> requests);
    }

    private record Slot<R, T>(R request, CompletableFuture<Outcome<T>> outcome) {}

    private final Object storeLock;
    /** Null with one lane (the store's lock is the lane), else the free lanes. */
    private final Semaphore lanes;
    private final Batch<R, T> batch;
    /** The batch forming (guarded by {@code this}, which is never held while waiting for a lane). */
    private List<Slot<R, T>> forming = new ArrayList<>();
    private long batches;
    private long requests;

    /** One lane: batches are served under {@code storeLock}, one at a time. */
    GroupCommit(Object storeLock, Batch<R, T> batch) {
        this(1, storeLock, batch);
    }

    /**
     * {@code lanes} batches at once: with more than one, {@code batch} must not need {@code storeLock} (it runs its
     * transaction on a connection of its own).
     */
    GroupCommit(int lanes, Object storeLock, Batch<R, T> batch) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes: at least 1, not " + lanes);
        }
        this.storeLock = storeLock;
        this.lanes = lanes == 1 ? null : new Semaphore(lanes);
        this.batch = batch;
    }

    /** Serves {@code request} (in a batch with whatever else arrives meanwhile); answers its value or throws its error. */
    T submit(R request) {
        Slot<R, T> mine = new Slot<>(request, new CompletableFuture<>());
        boolean leader;
        synchronized (this) {
            leader = forming.isEmpty();
            forming.add(mine);
        }
        if (leader) {
            if (lanes == null) {
                synchronized (storeLock) {
                    serve(take());
                }
            } else {
                lanes.acquireUninterruptibly();
                try {
                    serve(take());
                } finally {
                    lanes.release();
                }
            }
        }
        Outcome<T> outcome = mine.outcome().join();
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return outcome.value();
    }

    /** The batch formed so far (at least the leader's request); the next arrival leads the next one. */
    private synchronized List<Slot<R, T>> take() {
        List<Slot<R, T>> slots = forming;
        forming = new ArrayList<>();
        batches++;
        requests += slots.size();
        return slots;
    }

    /** Runs one batch and hands every slot its outcome, whatever happens. */
    private void serve(List<Slot<R, T>> slots) {
        List<R> batchRequests = new ArrayList<>(slots.size());
        slots.forEach(slot -> batchRequests.add(slot.request()));
        List<Outcome<T>> outcomes;
        try {
            outcomes = batch.run(batchRequests);
            if (outcomes.size() != slots.size()) {
                throw new IllegalStateException("a batch of " + slots.size() + " answered " + outcomes.size());
            }
        } catch (RuntimeException e) {
            slots.forEach(slot -> slot.outcome().complete(Outcome.refused(e)));
            return;
        } catch (Error e) {
            slots.forEach(slot -> slot.outcome().complete(Outcome.refused(new IllegalStateException(e))));
            throw e;
        }
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).outcome().complete(outcomes.get(i));
        }
    }

    /** Requests served per batch so far (1.0 when nothing ever overlapped). */
    synchronized double averageBatch() {
        return batches == 0 ? 0 : (double) requests / batches;
    }
}
