package dev.runway.server.blobs;

import dev.runway.server.store.BlobRepository;
import dev.runway.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires cache entries, workspace layers and artifacts past their retention, then removes the blobs nothing refers
 * to any more and uploads abandoned half-way. Run in the background every {@link BlobRetention#sweepInterval()} and
 * on demand ({@code runway gc}).
 */
public final class BlobSweeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobSweeper.class);
    private static final long DAY_MILLIS = 24L * 60 * 60 * 1000;
    private final Store store;
    private final BlobStore blobs;
    private final BlobRetention retention;
    private final Clock clock;

    /** What one sweep removed. */
    public record Swept(int caches, int workspaceLayers, int artifacts, int blobs, long blobBytes, int uploads) {}

    public BlobSweeper(Store store, BlobStore blobs, BlobRetention retention, Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.retention = retention;
        this.clock = clock;
    }

    public BlobRetention retention() {
        return retention;
    }

    /** One sweep; serialised, so that the background run and {@code runway gc} never overlap. */
    public synchronized Swept sweep() {
        long now = clock.millis();
        BlobRepository.Expired expired = store.blobs().expire(now - retention.cacheDays() * DAY_MILLIS,
                now - retention.workspaceDays() * DAY_MILLIS, retention.artifactDays(),
                now - retention.uploadGrace().toMillis(), now);
        try {
            Set<String> referenced = store.blobs().referencedBlobs();
            int removed = 0;
            long bytes = 0;
            long orphanBefore = now - retention.orphanGrace().toMillis();
            for (BlobStore.StoredBlob blob : blobs.list()) {
                if (!referenced.contains(blob.sha256()) && blob.modifiedMillis() < orphanBefore
                        && blobs.delete(blob.sha256())) {
                    removed++;
                    bytes += blob.size();
                }
            }
            int uploads = blobs.removeStaleUploads(now - retention.uploadGrace().toMillis());
            Swept swept = new Swept(expired.caches(), expired.layers(), expired.artifacts(), removed, bytes, uploads);
            if (removed + uploads + expired.caches() + expired.layers() + expired.artifacts() > 0) {
                LOG.info("blob sweep: {}", swept);
            }
            return swept;
        } catch (IOException e) {
            throw new UncheckedIOException("sweeping the blob store: " + e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("blob sweep failed: {}", e.toString());
        }
    }
}
