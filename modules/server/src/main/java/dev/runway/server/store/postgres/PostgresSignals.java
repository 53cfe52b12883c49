package dev.runway.server.store.postgres;

import dev.runway.server.store.ReplicaSignals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals between replicas over PostgreSQL's {@code LISTEN}/{@code NOTIFY} on one channel. The payload is "REPLICA
 * TOPIC KEY"; a replica ignores its own. Publishing is asynchronous and coalesced (a request never waits for it); the
 * listening connection is opened again when it is cut, and the listener told that signals may have been missed.
 */
final class PostgresSignals implements ReplicaSignals {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSignals.class);
    static final String CHANNEL = "runway_signals";
    private final DataSource pool;
    private final String replica = UUID.randomUUID().toString();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Signals waiting to be sent (guarded by itself); duplicates coalesce. */
    private final Set<String> pending = new LinkedHashSet<>();
    private final Thread sender;
    private final Thread receiver;
    private volatile boolean closed;

    PostgresSignals(DataSource pool) {
        this.pool = pool;
        this.sender = new Thread(this::sendLoop, "runway-signals-out");
        this.receiver = new Thread(this::receiveLoop, "runway-signals-in");
        sender.setDaemon(true);
        receiver.setDaemon(true);
        sender.start();
    }

    @Override
    public void publish(String topic, String key) {
        synchronized (pending) {
            if (closed) {
                return;
            }
            pending.add(replica + " " + topic + " " + key);
            pending.notifyAll();
        }
    }

    @Override
    public synchronized void subscribe(Listener listener) {
        listeners.add(listener);
        if (!receiver.isAlive()) {
            receiver.start();
        }
    }

    private void sendLoop() {
        while (!closed) {
            List<String> batch;
            synchronized (pending) {
                while (pending.isEmpty() && !closed) {
                    try {
                        pending.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch = new ArrayList<>(pending);
                pending.clear();
            }
            if (!batch.isEmpty()) {
                send(batch);
            }
        }
    }

    /**
     * One statement for the batch (a busy replica signals a change per claim: one round trip each would fall behind);
     * PostgreSQL delivers the notifications when it commits.
     */
    private void send(List<String> batch) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', payload)"
                    + " FROM unnest(?) AS payload")) {
                notify.setArray(1, connection.createArrayOf("text", batch.toArray()));
                notify.execute();
            }
        } catch (SQLException e) {
            // the others wake at their next look (a claim's wait ends, a follower polls again): late, not lost work
            LOG.warn("could not signal the other replicas ({} signals): {}", batch.size(), e.getMessage());
        }
    }

    private void receiveLoop() {
        boolean first = true;
        while (!closed) {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                if (!first) {
                    LOG.info("listening to the other replicas again");
                    listeners.forEach(Listener::missed);
                }
                first = false;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(1000);
                    if (notes != null) {
                        for (PGNotification note : notes) {
                            deliver(note.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("listening to the other replicas failed, again in 1s: {}", e.getMessage());
                first = false;
                try {
                    Thread.sleep(1000); // a database that is down is not asked again at once
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(String payload) {
        String[] parts = payload.split(" ", 3);
        if (parts.length != 3 || parts[0].equals(replica)) {
            return;
        }
        for (Listener listener : listeners) {
            try {
                listener.signalled(parts[1], parts[2]);
            } catch (RuntimeException e) {
                LOG.warn("a signal from another replica failed here: {}", e.toString());
            }
        }
    }

    void close() {
        synchronized (pending) {
            closed = true;
            pending.notifyAll();
        }
        receiver.interrupt();
        sender.interrupt();
        try {
            receiver.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
