package dev.runway.server;

import dev.runway.server.store.ReplicaSignals;

/**
 * What another replica's signals wake here: held claims of a class, followers of a task's output, a class's dispatch
 * pause.
 */
final class ReplicaWakeups implements ReplicaSignals.Listener {
    private final ClaimWaiters claims;
    private final OutputWatchers watchers;
    private final DispatchPauses pauses;

    ReplicaWakeups(ClaimWaiters claims, OutputWatchers watchers, DispatchPauses pauses) {
        this.claims = claims;
        this.watchers = watchers;
        this.pauses = pauses;
    }

    @Override
    public void signalled(String topic, String key) {
        switch (topic) {
            case ClaimWaiters.TOPIC_ONE -> claims.signalHere(key);
            case ClaimWaiters.TOPIC_ALL -> claims.wakeAllHere(key);
            case OutputWatchers.TOPIC -> watchers.changedHere(key);
            case DispatchPauses.TOPIC -> pauses.changedElsewhere(key);
            default -> {
                // a topic of a newer release: nothing waits for it here
            }
        }
    }

    @Override
    public void missed() {
        pauses.reload();
        claims.wakeEverything();
        watchers.changedEverywhere();
    }
}
