package dev.runway.server;

import dev.runway.server.store.ReplicaSignals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Readers following a task's output: woken when it gets bytes or a step or the task ends, through whichever replica
 * sharing the store the change came ({@link ReplicaSignals}).
 */
final class OutputWatchers {
    static final String TOPIC = "output";
    private final Map<String, List<CompletableFuture<Void>>> watchers = new HashMap<>();
    private final ReplicaSignals replicas;

    OutputWatchers(ReplicaSignals replicas) {
        this.replicas = replicas;
    }

    /** Completes on the next change of {@code taskId}, or after {@code waitMillis}. */
    synchronized CompletableFuture<Void> next(String taskId, long waitMillis) {
        CompletableFuture<Void> watcher = new CompletableFuture<>();
        watchers.computeIfAbsent(taskId, k -> new ArrayList<>()).add(watcher);
        watcher.completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS);
        watcher.whenComplete((v, e) -> forget(taskId, watcher));
        return watcher;
    }

    private synchronized void forget(String taskId, CompletableFuture<Void> watcher) {
        List<CompletableFuture<Void>> list = watchers.get(taskId);
        if (list != null) {
            list.remove(watcher);
            if (list.isEmpty()) {
                watchers.remove(taskId);
            }
        }
    }

    void changed(String taskId) {
        replicas.publish(TOPIC, taskId);
        changedHere(taskId);
    }

    /** A change another replica published. */
    void changedHere(String taskId) {
        List<CompletableFuture<Void>> woken;
        synchronized (this) {
            woken = watchers.remove(taskId);
        }
        if (woken != null) {
            woken.forEach(watcher -> watcher.complete(null));
        }
    }

    /** Wakes every follower to look again (signals from other replicas may have been lost). */
    void changedEverywhere() {
        List<String> keys;
        synchronized (this) {
            keys = new ArrayList<>(watchers.keySet());
        }
        keys.forEach(this::changedHere);
    }

    void close() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        synchronized (this) {
            watchers.values().forEach(all::addAll);
            watchers.clear();
        }
        all.forEach(watcher -> watcher.complete(null));
    }
}
