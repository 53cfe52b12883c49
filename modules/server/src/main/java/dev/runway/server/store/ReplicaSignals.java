package dev.runway.server.store;

/**
 * Wake-ups between server replicas that share one database: a job queued or a task's output changed through one
 * replica wakes the claims and followers waiting on the others. An engine of one process has no other replica
 * ({@link #NONE}).
 */
public interface ReplicaSignals {
    /** Receives what another replica published. */
    interface Listener {
        void signalled(String topic, String key);

        /** Signals may have been lost (the database connection was cut): wake everything that waits, to look again. */
        void missed();
    }

    /** The signals of a store that no other process shares. */
    ReplicaSignals NONE = new ReplicaSignals() {
        @Override
        public void publish(String topic, String key) {
            // nobody else to tell
        }

        @Override
        public void subscribe(Listener listener) {
            // nobody else to hear from
        }
    };

    /** Tells the other replicas; never this one (it has acted already). Never throws: a lost signal is a late wake. */
    void publish(String topic, String key);

    void subscribe(Listener listener);
}
