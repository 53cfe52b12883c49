package dev.runway.server.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for one kind of request to a store guarded by one lock. The first caller that finds no batch forming
 * leads one: it waits for the store's lock, and every request that arrives meanwhile joins its batch instead of
 * waiting for the lock itself. With the lock, the leader takes the batch and serves it in one transaction (one
 * commit); each caller gets its own outcome only after that, so an answer never leaves before its commit. The next
 * arrival leads the next batch, which forms while this one is served. Under no contention a batch is one request.
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
    private final Batch<R, T> batch;
    /** The batch forming (guarded by {@code this}, which is never held while waiting for {@code storeLock}). */
    private List<Slot<R, T>> forming = new ArrayList<>();
    private long batches;
    private long requests;

    GroupCommit(Object storeLock, Batch<R, T> batch) {
        this.storeLock = storeLock;
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
            synchronized (storeLock) {
                List<Slot<R, T>> slots;
                synchronized (this) {
                    slots = forming;
                    forming = new ArrayList<>();
                    batches++;
                    requests += slots.size();
                }
                serve(slots);
            }
        }
        Outcome<T> outcome = mine.outcome().join();
        if (outcome.error() != null) {
            throw outcome.error();
        }
        return outcome.value();
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
