package dev.runway.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a server. {@code port} 0 picks a free port. {@code lease}: how long a task stays claimed without a
 * heartbeat (60 s; tests shorten it). {@code maxClaimWait}: the longest a claim is held. {@code maxRequeues}: how often
 * a lapsed task goes back to the queue before its job fails.
 */
public record ServerSettings(Path dataDir, String host, int port, Duration lease, Duration maxClaimWait,
        int maxRequeues) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7733;

    public ServerSettings {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required");
        }
        if (lease.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("lease must be at least 100ms");
        }
    }

    public ServerSettings(Path dataDir, String host, int port) {
        this(dataDir, host, port, Duration.ofSeconds(60), Duration.ofSeconds(60), 3);
    }

    public ServerSettings withLease(Duration newLease) {
        return new ServerSettings(dataDir, host, port, newLease, maxClaimWait, maxRequeues);
    }

    public ServerSettings withMaxClaimWait(Duration newWait) {
        return new ServerSettings(dataDir, host, port, lease, newWait, maxRequeues);
    }
}
