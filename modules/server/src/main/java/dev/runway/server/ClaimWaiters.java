package dev.runway.server;

import dev.runway.server.store.ReplicaSignals;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Claims waiting for work, per resource class, oldest first. No thread waits: a waiter is a future that a new task
 * (or the end of its wait) completes. A per-class counter closes the gap between "found nothing" and "started to
 * wait": a waiter that registers after a signal it did not see is woken at once. Replicas sharing the store pass
 * each signal on ({@link ReplicaSignals}): a job queued through one replica wakes a claim held by another.
 */
final class ClaimWaiters {
    static final String TOPIC_ONE = "claim";
    static final String TOPIC_ALL = "claims";
    private final Map<String, Set<CompletableFuture<Boolean>>> waiting = new HashMap<>();
    private final Map<String, Long> signals = new HashMap<>();
    private final ReplicaSignals replicas;
    private boolean closed;

    ClaimWaiters(ReplicaSignals replicas) {
        this.replicas = replicas;
    }

    /** Whether the server stops: no claim waits any more. */
    synchronized boolean isClosed() {
        return closed;
    }

    synchronized long version(String resourceClassId) {
        return signals.getOrDefault(resourceClassId, 0L);
    }

    /**
     * A future completed with true when the class may have work, false when {@code waitMillis} ran out or the server
     * closes. Already true if the class was signalled since {@code seenVersion}.
     */
    synchronized CompletableFuture<Boolean> await(String resourceClassId, long seenVersion, long waitMillis) {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        if (version(resourceClassId) != seenVersion) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> waiter = new CompletableFuture<>();
        Set<CompletableFuture<Boolean>> queue = waiting.computeIfAbsent(resourceClassId, k -> new LinkedHashSet<>());
        queue.add(waiter);
        waiter.completeOnTimeout(false, waitMillis, TimeUnit.MILLISECONDS);
        waiter.whenComplete((woken, error) -> remove(resourceClassId, waiter));
        return waiter;
    }

    private synchronized void remove(String resourceClassId, CompletableFuture<Boolean> waiter) {
        Set<CompletableFuture<Boolean>> queue = waiting.get(resourceClassId);
        if (queue != null) {
            queue.remove(waiter);
            if (queue.isEmpty()) {
                waiting.remove(resourceClassId);
            }
        }
    }

    /** One task became available: wakes the longest waiting claim here, and one on each other replica. */
    void signal(String resourceClassId) {
        replicas.publish(TOPIC_ONE, resourceClassId);
        signalHere(resourceClassId);
    }

    /** A signal of this replica alone (one that another replica published). */
    void signalHere(String resourceClassId) {
        CompletableFuture<Boolean> woken = null;
        synchronized (this) {
            signals.merge(resourceClassId, 1L, Long::sum);
            Set<CompletableFuture<Boolean>> queue = waiting.get(resourceClassId);
            if (queue != null) {
                for (Iterator<CompletableFuture<Boolean>> it = queue.iterator(); it.hasNext() && woken == null; ) {
                    CompletableFuture<Boolean> candidate = it.next();
                    it.remove();
                    if (!candidate.isDone()) {
                        woken = candidate;
                    }
                }
            }
        }
        // completed outside the lock: the waiter's continuation may claim right here
        if (woken != null && !woken.complete(true)) {
            signalHere(resourceClassId);
        }
    }

    /** Wakes every claim of the class, e.g. because its tokens changed; on every replica. */
    void wakeAll(String resourceClassId) {
        replicas.publish(TOPIC_ALL, resourceClassId);
        wakeAllHere(resourceClassId);
    }

    void wakeAllHere(String resourceClassId) {
        Set<CompletableFuture<Boolean>> queue;
        synchronized (this) {
            signals.merge(resourceClassId, 1L, Long::sum);
            queue = waiting.remove(resourceClassId);
        }
        if (queue != null) {
            queue.forEach(waiter -> waiter.complete(true));
        }
    }

    /** Wakes every claim of every class to look again (signals from other replicas may have been lost). */
    void wakeEverything() {
        java.util.List<String> classes;
        synchronized (this) {
            classes = new java.util.ArrayList<>(waiting.keySet());
        }
        classes.forEach(this::wakeAllHere);
    }

    /** Ends every wait (the server stops); claims answer 204. */
    void close() {
        Map<String, Set<CompletableFuture<Boolean>>> all;
        synchronized (this) {
            closed = true;
            all = new HashMap<>(waiting);
            waiting.clear();
        }
        all.values().forEach(queue -> queue.forEach(waiter -> waiter.complete(false)));
    }

    /** Claims held right now, by resource class id. */
    synchronized Map<String, Integer> waitingByClass() {
        Map<String, Integer> counts = new HashMap<>();
        waiting.forEach((resourceClassId, queue) -> counts.put(resourceClassId, queue.size()));
        return counts;
    }

    synchronized int waitingCount() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }
}
