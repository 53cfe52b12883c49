package dev.runway.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a server. {@code port} 0 picks a free port. {@code lease}: how long a task stays claimed without a
 * heartbeat (60 s; tests shorten it). {@code firstLease}: how long a claim holds its task until the runner's first
 * heartbeat (15 s, at most the lease): an answer written to a runner that died while its claim waited is not refused
 * by the socket, and only a lapsed lease gives that task back. {@code maxClaimWait}: the longest a claim is held.
 * {@code maxRequeues}: how often a lapsed task goes back to the queue before its job fails. {@code protection}: how
 * the data directory and the job secrets in it are protected ({@link DataProtection}). {@code limits}: what a client
 * may hold before and after it authenticates ({@link ConnectionLimits}). {@code tls}: serve HTTPS from these PEM files
 * (null: plain HTTP, meant for loopback). {@code database}: the store ({@link ServerDatabase#EMBEDDED} by default, or
 * a PostgreSQL database shared by replicas).
 */
public record ServerSettings(Path dataDir, String host, int port, Duration lease, Duration firstLease,
        Duration maxClaimWait, int maxRequeues, DataProtection protection, ConnectionLimits limits, TlsFiles tls,
        ServerDatabase database) {
    public static final Duration DEFAULT_FIRST_LEASE = Duration.ofSeconds(15);
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7733;

    public ServerSettings {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (lease.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("lease must be at least 100ms");
        }
        if (firstLease.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("firstLease must be at least 100ms");
        }
        if (protection == null) {
            protection = DataProtection.DEFAULT;
        }
        if (limits == null) {
            limits = ConnectionLimits.DEFAULT;
        }
        if (database == null) {
            database = ServerDatabase.EMBEDDED;
        }
    }

    public ServerSettings(Path dataDir, String host, int port, Duration lease, Duration firstLease,
            Duration maxClaimWait, int maxRequeues, DataProtection protection, ConnectionLimits limits, TlsFiles tls) {
        this(dataDir, host, port, lease, firstLease, maxClaimWait, maxRequeues, protection, limits, tls,
                ServerDatabase.EMBEDDED);
    }

    public ServerSettings withDatabase(ServerDatabase newDatabase) {
        return new ServerSettings(dataDir, host, port, lease, firstLease, maxClaimWait, maxRequeues, protection,
                limits, tls, newDatabase);
    }

    /** The first lease of a claim: never longer than the lease itself. */
    public Duration effectiveFirstLease() {
        return firstLease.compareTo(lease) < 0 ? firstLease : lease;
    }

    public ServerSettings(Path dataDir, String host, int port) {
        this(dataDir, host, port, Duration.ofSeconds(60), DEFAULT_FIRST_LEASE, Duration.ofSeconds(60), 3,
                DataProtection.DEFAULT, ConnectionLimits.DEFAULT, null);
    }

    public ServerSettings withLease(Duration newLease) {
        return new ServerSettings(dataDir, host, port, newLease, firstLease, maxClaimWait, maxRequeues,
                protection, limits, tls, database);
    }

    public ServerSettings withFirstLease(Duration newFirstLease) {
        return new ServerSettings(dataDir, host, port, lease, newFirstLease, maxClaimWait, maxRequeues,
                protection, limits, tls, database);
    }

    public ServerSettings withMaxClaimWait(Duration newWait) {
        return new ServerSettings(dataDir, host, port, lease, firstLease, newWait, maxRequeues,
                protection, limits, tls, database);
    }

    public ServerSettings withProtection(DataProtection newProtection) {
        return new ServerSettings(dataDir, host, port, lease, firstLease, maxClaimWait, maxRequeues, newProtection,
                limits, tls, database);
    }

    public ServerSettings withLimits(ConnectionLimits newLimits) {
        return new ServerSettings(dataDir, host, port, lease, firstLease, maxClaimWait, maxRequeues, protection,
                newLimits, tls, database);
    }

    public ServerSettings withTls(TlsFiles newTls) {
        return new ServerSettings(dataDir, host, port, lease, firstLease, maxClaimWait, maxRequeues, protection,
                limits, newTls, database);
    }
}
