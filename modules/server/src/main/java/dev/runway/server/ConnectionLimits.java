package dev.runway.server;

import java.time.Duration;

/**
 * What a client may hold of the server before and after it authenticates. {@code maxConnections}: network connections
 * at once; past it the server stops accepting until one closes (the kernel's backlog holds the rest), so a flood of
 * idle sockets cannot take its file descriptors. {@code authenticationTimeout}: how long a connection may stay open
 * without a request that presents a known token (headers sent slowly, or nothing at all) before it is closed.
 * {@code callsPerMinute}: job submissions and job lists per token and minute (answered 429 past it).
 */
public record ConnectionLimits(int maxConnections, Duration authenticationTimeout, int callsPerMinute) {
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(2000, Duration.ofSeconds(10), 600);

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (authenticationTimeout == null || authenticationTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("authenticationTimeout must be at least 100ms");
        }
        if (callsPerMinute < 1) {
            throw new IllegalArgumentException("callsPerMinute must be at least 1");
        }
    }
}
