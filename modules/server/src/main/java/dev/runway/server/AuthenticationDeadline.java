package dev.runway.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection must present a known token within the authentication timeout of being opened, else it is closed:
 * headers trickled in byte by byte, or a socket that sends nothing, hold a connection only that long. Once a
 * request on it authenticated, the connection gets the long idle timeout that held claims need.
 */
final class AuthenticationDeadline implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationDeadline.class);
    private final Scheduler scheduler;
    private final long timeoutMillis;
    private final long authenticatedIdleMillis;
    private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

    AuthenticationDeadline(Scheduler scheduler, long timeoutMillis, long authenticatedIdleMillis) {
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
        this.authenticatedIdleMillis = authenticatedIdleMillis;
    }

    @Override
    public void onOpened(Connection connection) {
        connection.getEndPoint().setIdleTimeout(timeoutMillis);
        pending.put(connection, scheduler.schedule(() -> expire(connection), timeoutMillis, TimeUnit.MILLISECONDS));
    }

    private void expire(Connection connection) {
        if (pending.remove(connection) != null) {
            LOG.debug("closing a connection from {}: no known token within {} ms",
                    connection.getEndPoint().getRemoteSocketAddress(), timeoutMillis);
            connection.getEndPoint().close();
        }
    }

    /** A request on {@code connection} presented a known token. */
    void authenticated(Connection connection) {
        Scheduler.Task deadline = pending.remove(connection);
        if (deadline != null) {
            deadline.cancel();
            connection.getEndPoint().setIdleTimeout(authenticatedIdleMillis);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Scheduler.Task deadline = pending.remove(connection);
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** Connections open and not yet authenticated. */
    int pendingCount() {
        return pending.size();
    }
}
