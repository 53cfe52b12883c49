package dev.runway.server;

import dev.runway.server.store.ReplicaSignals;

/** What another replica's signals wake here: held claims of a class, followers of a task's output. */
final class ReplicaWakeups implements ReplicaSignals.Listener {
    private final ClaimWaiters claims;
    private final OutputWatchers watchers;

    ReplicaWakeups(ClaimWaiters claims, OutputWatchers watchers) {
        this.claims = claims;
        this.watchers = watchers;
    }

    @Override
    public void signalled(String topic, String key) {
        switch (topic) {
            case ClaimWaiters.TOPIC_ONE -> claims.signalHere(key);
            case ClaimWaiters.TOPIC_ALL -> claims.wakeAllHere(key);
            case OutputWatchers.TOPIC -> watchers.changedHere(key);
            default -> {
                // a topic of a newer release: nothing waits for it here
            }
        }
    }

    @Override
    public void missed() {
        claims.wakeEverything();
        watchers.changedEverywhere();
    }
}
