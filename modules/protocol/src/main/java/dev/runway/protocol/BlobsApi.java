package dev.runway.protocol;

import java.util.List;

/**
 * Wire records of blobs (cache archives, workspace layers, artifacts): what a task token uploads, registers and looks
 * up under {@link ApiPaths#blobUpload}, {@link ApiPaths#caches}, {@link ApiPaths#workspace} and
 * {@link ApiPaths#artifacts}, and API v2's artifact list.
 */
public final class BlobsApi {
    /** {@code POST}, admin token of all namespaces: one sweep of expired entries and unreferenced blobs. */
    public static final String GC = ApiPaths.BASE + "/blobs/gc";

    private BlobsApi() {}

    /** {@code GET} / {@code PUT}, the project's artifact retention ({@code {"days": N}} or null). */
    public static String artifactRetention(String projectIdOrEscapedSlug) {
        return PipelinesApi.project(projectIdOrEscapedSlug) + "/artifact-retention";
    }

    /**
     * Where an upload of one blob stands: the server holds its first {@code nextOffset} bytes; {@code complete}: the
     * blob is stored (checked against its sha256), nothing more to send.
     */
    public record UploadStatus(long nextOffset, boolean complete) {}

    /**
     * Where a streamed upload ({@link ApiPaths#blobStream}) stands: the server holds its first {@code nextOffset}
     * bytes; {@code sha256}, null until the blob is stored, is the hash the server computed of what it received
     * (the uploader compares it with its own before it registers the blob).
     */
    public record BlobStream(long nextOffset, String sha256) {}

    /** A blob by its content: lowercase hex sha256 and its size in bytes. */
    public record BlobRef(String sha256, long size) {}

    /** {@code POST} of a cache entry: the key (already rendered) and its archive, uploaded before. */
    public record CacheSave(String key, String sha256, long size) {}

    /** The answer to a cache save: {@code saved} false when the key existed (it is never overwritten). */
    public record CacheSaved(boolean saved, String key) {}

    /** A cache lookup's hit: the key that matched (the most recent entry whose key starts with a wanted key). */
    public record CacheHit(String key, String sha256, long size, String createdAt) {}

    /** One layer of a workflow's workspace: the job that persisted it and its archive. */
    public record WorkspaceLayer(String jobName, String sha256, long size) {}

    /** The layers a job attaches, oldest first (a later layer's file wins over an earlier one's). */
    public record WorkspaceLayers(List<WorkspaceLayer> layers) {}

    /** One stored artifact: its path as shown (the destination), its blob. */
    public record ArtifactUpload(String path, String sha256, long size) {}

    /** {@code POST} of artifacts, once their blobs are uploaded. */
    public record ArtifactUploads(List<ArtifactUpload> items) {}

    /**
     * API v2's artifact: its path, the parallel node that stored it, where to download it; listed as a
     * {@link PipelinesApi.Page}.
     */
    public record Artifact(String path, int nodeIndex, String url) {}
}
