package dev.runway.server;

import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource classes whose dispatch an operator paused: a claim of such a class is held (or answered 204) as if no task
 * were queued. Kept in the store, and in memory so that a claim costs no extra query; a resume wakes the held claims.
 */
final class DispatchPauses {
    private final Store store;
    private final ClaimWaiters claims;
    private final Clock clock;
    private final Set<String> paused = ConcurrentHashMap.newKeySet();

    DispatchPauses(Store store, ClaimWaiters claims, Clock clock) {
        this.store = store;
        this.claims = claims;
        this.clock = clock;
        paused.addAll(store.management().pausedClasses());
    }

    boolean paused(String resourceClassId) {
        return paused.contains(resourceClassId);
    }

    void set(String resourceClassId, boolean pause) {
        store.management().setDispatchPaused(resourceClassId, pause, clock.millis());
        if (pause) {
            paused.add(resourceClassId);
        } else if (paused.remove(resourceClassId)) {
            claims.signal(resourceClassId); // held claims look again: tasks may be waiting
        }
    }
}
