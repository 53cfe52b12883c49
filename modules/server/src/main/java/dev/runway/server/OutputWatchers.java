package dev.runway.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Readers following a task's output: woken when it gets bytes or a step or the task ends. */
final class OutputWatchers {
    private final Map<String, List<CompletableFuture<Void>>> watchers = new HashMap<>();

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
        List<CompletableFuture<Void>> woken;
        synchronized (this) {
            woken = watchers.remove(taskId);
        }
        if (woken != null) {
            woken.forEach(watcher -> watcher.complete(null));
        }
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
