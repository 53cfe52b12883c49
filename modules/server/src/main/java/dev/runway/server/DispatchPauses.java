package dev.runway.server;

import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource classes whose dispatch an operator paused: a claim of such a class is held (or answered 204) as if no task
 * were queued. Kept in the store, and in memory so that a claim costs no extra query; a pause or resume made through
 * another replica sharing the store reaches this one as a signal, and a resume wakes the held claims.
 */
final class DispatchPauses {
    static final String TOPIC = "dispatch";
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
        store.signals().publish(TOPIC, resourceClassId);
        apply(resourceClassId, pause);
    }

    /** Another replica paused or resumed a class: the store says which. */
    void changedElsewhere(String resourceClassId) {
        apply(resourceClassId, store.management().pausedClasses().contains(resourceClassId));
    }

    /** Signals from other replicas may have been lost: every class is read again. */
    void reload() {
        Set<String> now = store.management().pausedClasses();
        for (String resourceClassId : Set.copyOf(paused)) {
            apply(resourceClassId, now.contains(resourceClassId));
        }
        now.forEach(resourceClassId -> apply(resourceClassId, true));
    }

    private void apply(String resourceClassId, boolean pause) {
        if (pause) {
            paused.add(resourceClassId);
        } else if (paused.remove(resourceClassId)) {
            claims.signalHere(resourceClassId); // held claims look again: tasks may be waiting
        }
    }
}
