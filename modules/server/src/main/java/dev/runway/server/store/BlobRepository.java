package dev.runway.server.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What refers to the blob store's blobs: cache entries per project, workspace layers per workflow, artifacts per job;
 * and their expiry. The blobs themselves are not here (dev.runway.server.blobs keeps them in files).
 */
public interface BlobRepository {
    /** Where a running job sits: its project, workflow, workflow job (name, number) and parallel node. */
    record JobScope(String projectId, String workflowId, String workflowJobId, String jobName, long jobNumber,
            int nodeIndex) {}

    /** A cache entry of a project. */
    record CacheEntry(String projectId, String key, String sha256, long size, long createdAt, long lastUsedAt) {}

    /** One workspace layer of a workflow, {@code seq} in the order the layers were persisted. */
    record Layer(String workflowId, long seq, String workflowJobId, String jobName, String sha256, long size,
            long createdAt) {}

    /** One stored artifact of a job's parallel node. */
    record Artifact(String projectId, long jobNumber, int nodeIndex, String path, String sha256, long size,
            long createdAt) {}

    /** What an expiry pass removed. */
    record Expired(int caches, int layers, int artifacts) {}

    /** The scope of the job {@code jobId} when it runs for a workflow (empty for a job submitted alone). */
    Optional<JobScope> scopeOfJob(String jobId);

    /** Adds a cache entry; false (and nothing changed) when the project has the key already. */
    boolean saveCache(String projectId, String key, String sha256, long size, long now);

    /**
     * The project's entry for the first of {@code prefixes} that any key starts with, the most recently created when
     * several do; marks it used at {@code now}.
     */
    Optional<CacheEntry> findCache(String projectId, List<String> prefixes, long now);

    /** Appends a layer to the workflow's workspace. */
    Layer addLayer(String workflowId, String workflowJobId, String jobName, String sha256, long size, long now);

    /** The workflow's layers of the named jobs, oldest first. */
    List<Layer> layers(String workflowId, Set<String> jobNames);

    /** Records artifacts (one already recorded at the same path of the same node is replaced). */
    void addArtifacts(List<Artifact> artifacts);

    /** The artifacts of a job (all its nodes), by node then path. */
    List<Artifact> artifacts(String projectId, long jobNumber);

    Optional<Artifact> artifact(String projectId, long jobNumber, int nodeIndex, String path);

    /**
     * Whether the project may use the blob: it refers to it (a cache entry, an artifact, a layer of one of its
     * workflows) or one of its jobs uploaded its bytes ({@link #recordUpload}).
     */
    boolean projectRefersTo(String projectId, String sha256);

    /** A job of the project sent the blob's bytes: the project may now refer to it. */
    void recordUpload(String projectId, String sha256, long now);

    /** Sets (days > 0) or clears (null) a project's artifact retention. */
    void setArtifactRetention(String projectId, Integer days);

    Optional<Integer> artifactRetention(String projectId);

    /**
     * Removes cache entries unused since {@code cachesUnusedBefore}, layers created before {@code layersBefore},
     * artifacts older than their project's retention (else {@code defaultArtifactDays}) at {@code now}, and records
     * of uploads made before {@code uploadsBefore}.
     */
    Expired expire(long cachesUnusedBefore, long layersBefore, int defaultArtifactDays, long uploadsBefore, long now);

    /** Every blob something refers to. */
    Set<String> referencedBlobs();

    /** The mark of the blob directory that replicas sharing this store use (empty until the first records it). */
    Optional<String> blobDirectoryMark();

    /**
     * Records the blob directory's mark; a {@link StoreRefusal} (conflict) when one is recorded already, for
     * instance by a replica starting at the same time.
     */
    void recordBlobDirectoryMark(String mark, long now);
}
