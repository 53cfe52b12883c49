package dev.runway.server.blobs;

import java.time.Duration;

/**
 * How long blobs are kept: a cache entry {@code cacheDays} after its last use (15, as CircleCI), a workspace layer
 * {@code workspaceDays} after it was persisted, an artifact {@code artifactDays} unless its project sets its own
 * retention; the sweeper runs every {@code sweepInterval}. A blob nothing refers to goes after {@code orphanGrace}
 * (it may be an upload whose entry is about to be registered); an unfinished upload after {@code uploadGrace}.
 */
public record BlobRetention(int cacheDays, int workspaceDays, int artifactDays, Duration sweepInterval,
        Duration orphanGrace, Duration uploadGrace) {
    public static final BlobRetention DEFAULT = new BlobRetention(15, 15, 30, Duration.ofHours(1),
            Duration.ofHours(1), Duration.ofDays(1));

    public BlobRetention {
        if (cacheDays < 1 || workspaceDays < 1 || artifactDays < 1) {
            throw new IllegalArgumentException("retention days must be at least 1");
        }
    }
}
