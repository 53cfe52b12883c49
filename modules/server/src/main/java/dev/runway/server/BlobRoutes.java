package dev.runway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.BlobsApi;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.RunnerApi.OffsetMismatch;
import dev.runway.server.blobs.BlobException;
import dev.runway.server.blobs.BlobStore;
import dev.runway.server.blobs.BlobSweeper;
import dev.runway.server.blobs.FileBlobStore;
import dev.runway.server.pipeline.ProjectSlugs;
import dev.runway.server.store.BlobRepository;
import dev.runway.server.store.BlobRepository.JobScope;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Caches, workspaces and artifacts over HTTP: a task token uploads blobs (resumable, streamed; by their sha256, or
 * streamed without it, stored under the hash the server computes), registers cache
 * entries, workspace layers and artifacts of its job's project and workflow, and reads back only what its project
 * holds; API v2 lists and serves a job's artifacts; an admin runs the sweeper ({@code runway gc}).
 */
final class BlobRoutes {
    private static final String TASK = ApiPaths.BASE + "/runner/tasks/{task}";
    private static final int MAX_KEY = 900;
    private static final int MAX_ARTIFACT_PATH = 1000;
    private final Store store;
    private final Auth auth;
    private final BlobStore blobs;
    private final BlobSweeper sweeper;
    private final Clock clock;

    BlobRoutes(Store store, Auth auth, BlobStore blobs, BlobSweeper sweeper, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.blobs = blobs;
        this.sweeper = sweeper;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("GET", TASK + "/blobs/{sha256}/upload", this::uploadState)
                .streamed("POST", TASK + "/blobs/{sha256}/upload", this::upload)
                .sync("GET", TASK + "/blobs/{sha256}", this::download)
                .sync("GET", TASK + "/blob-streams/{upload}", this::streamState)
                .streamed("POST", TASK + "/blob-streams/{upload}", this::streamUpload)
                .sync("GET", TASK + "/caches", this::findCache)
                .sync("POST", TASK + "/caches", this::saveCache)
                .sync("GET", TASK + "/workspace", this::layers)
                .sync("POST", TASK + "/workspace", this::addLayer)
                .sync("POST", TASK + "/artifacts", this::addArtifacts)
                .sync("POST", BlobsApi.GC, this::gc)
                .sync("PUT", PipelinesApi.PROJECTS + "/{project}/artifact-retention", this::setRetention)
                .sync("GET", PipelinesApi.PROJECTS + "/{project}/artifact-retention", this::retention);
        for (String slug : PipelineRoutes.SLUG_SPELLINGS) {
            String project = PipelinesApi.V2 + "/project/" + slug;
            router.sync("GET", project + "/{job-number}/artifacts", this::listArtifacts)
                    .sync("GET", project + "/{job-number}/artifacts/{node-index}", this::downloadArtifact);
        }
    }

    /** The running task of the token and where its job sits; a job outside a workflow has no project to keep for. */
    private JobScope scope(Exchange exchange) {
        Task task = auth.requireTask(exchange, exchange.path("task"));
        return store.blobs().scopeOfJob(task.jobId()).orElseThrow(() -> new ApiError(409, "job of task "
                + task.id() + " runs outside a project's pipeline: caches, workspaces and artifacts belong to a"
                + " project (trigger the job through a pipeline)"));
    }

    private static String sha256(Exchange exchange) {
        try {
            return FileBlobStore.checkSha256(exchange.path("sha256"));
        } catch (BlobException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static long requiredLong(Exchange exchange, String name) {
        if (exchange.query(name) == null) {
            throw ApiError.badRequest("query parameter " + name + " is required");
        }
        return exchange.queryLong(name, 0);
    }

    /**
     * An upload's state for the task's project: a blob the project already may use is complete at once; any other
     * blob's bytes must be sent (even when the store has them), so that a sha256 alone opens nothing. A disk without
     * room for the rest answers 507 here, before the uploader sends a byte.
     */
    private Reply uploadState(Exchange exchange) {
        JobScope scope = scope(exchange);
        String sha256 = sha256(exchange);
        try {
            BlobStore.UploadState state = blobs.state(exchange.path("task"), sha256, requiredLong(exchange, "size"),
                    store.blobs().projectRefersTo(scope.projectId(), sha256));
            return Reply.ok(new BlobsApi.UploadStatus(state.nextOffset(), state.complete()));
        } catch (BlobException e) {
            throw refusal(e);
        }
    }

    private Reply upload(Exchange exchange) {
        JobScope scope = scope(exchange);
        String sha256 = sha256(exchange);
        long size = requiredLong(exchange, "size");
        long offset = requiredLong(exchange, "offset");
        boolean mayReuse = store.blobs().projectRefersTo(scope.projectId(), sha256);
        try (InputStream body = exchange.bodyStream()) {
            BlobStore.UploadState state = blobs.append(exchange.path("task"), sha256, size, offset, body, mayReuse);
            if (state.complete() && !mayReuse) {
                store.blobs().recordUpload(scope.projectId(), sha256, clock.millis());
            }
            return Reply.ok(new BlobsApi.UploadStatus(state.nextOffset(), state.complete()));
        } catch (BlobException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new UncheckedIOException("storing blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    /** A streamed upload's id in the store: the task's, so that no other task reaches its bytes. */
    private static String streamId(Exchange exchange) {
        String upload = exchange.path("upload");
        if (upload == null || !upload.matches("[0-9A-Za-z-]{1,64}")) {
            throw ApiError.badRequest("upload id: 1 to 64 letters, digits and dashes");
        }
        return exchange.path("task") + "-" + upload;
    }

    /** Where a streamed upload stands; 507 when the {@code size} bytes still to come do not fit the disk. */
    private Reply streamState(Exchange exchange) {
        scope(exchange);
        try {
            long held = blobs.streamState(streamId(exchange), exchange.queryLong("size", 0));
            return Reply.ok(new BlobsApi.BlobStream(held, null));
        } catch (BlobException e) {
            throw refusal(e);
        }
    }

    /**
     * Bytes of a blob whose sha256 the uploader does not know up front: stored under the hash computed of them,
     * which the answer carries for the uploader's end-to-end check; the project may then use the blob.
     */
    private Reply streamUpload(Exchange exchange) {
        JobScope scope = scope(exchange);
        String id = streamId(exchange);
        long size = exchange.query("size") == null ? -1 : exchange.queryLong("size", 0);
        try (InputStream body = exchange.bodyStream()) {
            BlobStore.StreamState state = blobs.appendStream(id, exchange.queryLong("offset", 0), size, body);
            if (state.sha256() != null) {
                store.blobs().recordUpload(scope.projectId(), state.sha256(), clock.millis());
            }
            return Reply.ok(new BlobsApi.BlobStream(state.nextOffset(), state.sha256()));
        } catch (BlobException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new UncheckedIOException("storing streamed upload " + id + ": " + e.getMessage(), e);
        }
    }

    private static ApiError refusal(BlobException e) {
        return switch (e.kind()) {
            case OFFSET_MISMATCH -> new ApiError(409, e.getMessage(), new OffsetMismatch(e.getMessage(),
                    e.expectedOffset()));
            case NOT_FOUND -> ApiError.notFound(e.getMessage());
            case NO_SPACE -> new ApiError(507, e.getMessage());
            case CHECKSUM_MISMATCH, INVALID -> new ApiError(422, e.getMessage());
        };
    }

    private Reply download(Exchange exchange) {
        JobScope scope = scope(exchange);
        String sha256 = sha256(exchange);
        if (!store.blobs().projectRefersTo(scope.projectId(), sha256)) {
            throw ApiError.notFound("the project holds no blob " + sha256);
        }
        return stream(sha256, Map.of());
    }

    private Reply stream(String sha256, Map<String, String> headers) {
        OptionalLong size = blobs.size(sha256);
        if (size.isEmpty()) {
            throw ApiError.notFound("blob " + sha256 + " is gone from the blob store");
        }
        try {
            return Reply.stream(blobs.open(sha256), size.getAsLong(), headers);
        } catch (BlobException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading blob " + sha256 + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a registration of a blob the store does not hold with that size, or the project may not use. */
    private void requireStored(JobScope scope, String field, String sha256, long size) {
        try {
            FileBlobStore.checkSha256(sha256);
        } catch (BlobException e) {
            throw ApiError.badRequest(field + ": " + e.getMessage());
        }
        OptionalLong stored = blobs.size(sha256);
        if (stored.isEmpty() || stored.getAsLong() != size
                || !store.blobs().projectRefersTo(scope.projectId(), sha256)) {
            throw ApiError.badRequest(field + ": blob " + sha256 + " of " + size + " bytes is not stored; upload it"
                    + " first (" + ApiPaths.BASE + "/runner/tasks/TASK/blobs/SHA256/upload)");
        }
    }

    private static String checkedKey(String field, String key) {
        if (key == null || key.isBlank()) {
            throw ApiError.badRequest(field + ": a cache key must not be empty");
        }
        if (key.length() > MAX_KEY || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiError.badRequest(field + ": a cache key has at most " + MAX_KEY + " characters, none of them"
                    + " control characters");
        }
        return key;
    }

    private Reply findCache(Exchange exchange) {
        JobScope scope = scope(exchange);
        List<String> keys = exchange.queryAll("key");
        if (keys.isEmpty()) {
            throw ApiError.badRequest("query parameter key is required (repeat it for several keys)");
        }
        for (String key : keys) {
            checkedKey("key", key);
        }
        return store.blobs().findCache(scope.projectId(), keys, clock.millis())
                .map(entry -> Reply.ok(new BlobsApi.CacheHit(entry.key(), entry.sha256(), entry.size(),
                        Times.iso(entry.createdAt()))))
                .orElseGet(Reply::noContent);
    }

    private Reply saveCache(Exchange exchange) {
        JobScope scope = scope(exchange);
        BlobsApi.CacheSave save = exchange.json(BlobsApi.CacheSave.class, Limits.JSON_BODY);
        checkedKey("key", save.key());
        requireStored(scope, "sha256", save.sha256(), save.size());
        boolean saved = store.blobs().saveCache(scope.projectId(), save.key(), save.sha256(), save.size(),
                clock.millis());
        return Reply.json(saved ? 201 : 200, new BlobsApi.CacheSaved(saved, save.key()));
    }

    private Reply addLayer(Exchange exchange) {
        JobScope scope = scope(exchange);
        BlobsApi.BlobRef layer = exchange.json(BlobsApi.BlobRef.class, Limits.JSON_BODY);
        requireStored(scope, "sha256", layer.sha256(), layer.size());
        store.blobs().addLayer(scope.workflowId(), scope.workflowJobId(), scope.jobName(), layer.sha256(),
                layer.size(), clock.millis());
        return Reply.json(201, Map.of());
    }

    /**
     * The layers of the jobs this job transitively requires, oldest first; in a rerun workflow, a required job that
     * did not run again contributes its layers from the workflow it reruns.
     */
    private Reply layers(Exchange exchange) {
        JobScope scope = scope(exchange);
        List<String> chain = new ArrayList<>(); // oldest workflow first
        for (String id = scope.workflowId(); id != null && !chain.contains(id); ) {
            chain.add(0, id);
            id = store.pipelines().workflow(id).map(Workflow::rerunOf).orElse(null);
        }
        Set<String> required = requiredJobs(scope.workflowId(), scope.jobName());
        Map<String, List<BlobRepository.Layer>> byJob = new LinkedHashMap<>();
        for (String workflowId : chain) {
            Map<String, List<BlobRepository.Layer>> here = new LinkedHashMap<>();
            for (BlobRepository.Layer layer : store.blobs().layers(workflowId, required)) {
                here.computeIfAbsent(layer.jobName(), name -> new ArrayList<>()).add(layer);
            }
            for (String job : here.keySet()) {
                byJob.remove(job); // the newer workflow's run of the job replaces the older one's layers
            }
            byJob.putAll(here);
        }
        List<BlobRepository.Layer> ordered = new ArrayList<>();
        byJob.values().forEach(ordered::addAll);
        ordered.sort((a, b) -> chain.indexOf(a.workflowId()) != chain.indexOf(b.workflowId())
                ? Integer.compare(chain.indexOf(a.workflowId()), chain.indexOf(b.workflowId()))
                : Long.compare(a.seq(), b.seq()));
        List<BlobsApi.WorkspaceLayer> layers = new ArrayList<>();
        for (BlobRepository.Layer layer : ordered) {
            layers.add(new BlobsApi.WorkspaceLayer(layer.jobName(), layer.sha256(), layer.size()));
        }
        return Reply.ok(new BlobsApi.WorkspaceLayers(layers));
    }

    /** The names of the workflow's jobs that {@code jobName} requires, directly or through others. */
    private Set<String> requiredJobs(String workflowId, String jobName) {
        Map<String, Set<String>> requires = new HashMap<>();
        for (WorkflowJob job : store.pipelines().workflowJobs(workflowId)) {
            Set<String> names = new HashSet<>();
            try {
                JsonNode node = Json.mapper().readTree(job.requires());
                for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
                    names.add(fields.next());
                }
            } catch (IOException e) {
                throw new IllegalStateException("workflow job " + job.id() + ": unreadable requires", e);
            }
            requires.put(job.name(), names);
        }
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(requires.getOrDefault(jobName, Set.of()));
        while (!next.isEmpty()) {
            String name = next.pop();
            if (seen.add(name)) {
                next.addAll(requires.getOrDefault(name, Set.of()));
            }
        }
        return seen;
    }

    private Reply addArtifacts(Exchange exchange) {
        JobScope scope = scope(exchange);
        BlobsApi.ArtifactUploads uploads = exchange.json(BlobsApi.ArtifactUploads.class, Limits.JSON_BODY);
        if (uploads.items() == null) {
            throw ApiError.badRequest("items: is required");
        }
        List<BlobRepository.Artifact> artifacts = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < uploads.items().size(); i++) {
            BlobsApi.ArtifactUpload item = uploads.items().get(i);
            String field = "items[" + i + "]";
            String path = checkedArtifactPath(field + ".path", item.path());
            requireStored(scope, field + ".sha256", item.sha256(), item.size());
            artifacts.add(new BlobRepository.Artifact(scope.projectId(), scope.jobNumber(), scope.nodeIndex(), path,
                    item.sha256(), item.size(), now));
        }
        store.blobs().addArtifacts(artifacts);
        return Reply.json(201, Map.of());
    }

    /** A relative path of '/'-separated names, none of them empty, "." or "..". */
    static String checkedArtifactPath(String field, String path) {
        if (path == null || path.isEmpty() || path.length() > MAX_ARTIFACT_PATH) {
            throw ApiError.badRequest(field + ": a path of 1 to " + MAX_ARTIFACT_PATH + " characters is required");
        }
        for (String name : path.split("/", -1)) {
            if (name.isEmpty() || name.equals(".") || name.equals("..")
                    || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw ApiError.badRequest(field + ": \"" + path + "\" is not a relative path of plain names");
            }
        }
        return path;
    }

    private Project readableProject(Exchange exchange) {
        Project project = PipelineRoutes.slugProject(store, exchange);
        auth.management(exchange).in(project.namespace());
        return project;
    }

    private static long jobNumber(Exchange exchange) {
        try {
            return Long.parseLong(exchange.path("job-number"));
        } catch (NumberFormatException e) {
            throw ApiError.notFound("job number \"" + exchange.path("job-number") + "\" is not a number");
        }
    }

    private Reply listArtifacts(Exchange exchange) {
        Project project = readableProject(exchange);
        long number = jobNumber(exchange);
        String base = exchange.baseUri() + PipelinesApi.V2 + "/project/"
                + URLEncoder.encode(project.slug(), StandardCharsets.UTF_8) + "/" + number + "/artifacts/";
        List<BlobsApi.Artifact> items = new ArrayList<>();
        for (BlobRepository.Artifact artifact : store.blobs().artifacts(project.id(), number)) {
            items.add(new BlobsApi.Artifact(artifact.path(), artifact.nodeIndex(), base + artifact.nodeIndex()
                    + "?path=" + URLEncoder.encode(artifact.path(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        return Reply.ok(new PipelinesApi.Page<>(items, null));
    }

    private Reply downloadArtifact(Exchange exchange) {
        Project project = readableProject(exchange);
        long number = jobNumber(exchange);
        int node = exchange.intPath("node-index");
        String path = exchange.query("path");
        if (path == null) {
            throw ApiError.badRequest("query parameter path is required");
        }
        BlobRepository.Artifact artifact = store.blobs().artifact(project.id(), number, node, path)
                .orElseThrow(() -> ApiError.notFound("job " + number + " node " + node + " has no artifact "
                        + path));
        String name = path.substring(path.lastIndexOf('/') + 1).replace("\"", "");
        return stream(artifact.sha256(), Map.of("Content-Disposition", "attachment; filename=\"" + name + "\""));
    }

    private Project projectByIdOrSlug(String value) {
        return store.pipelines().project(ProjectSlugs.normalise(value))
                .orElseThrow(() -> ApiError.notFound("Project not found"));
    }

    private Reply gc(Exchange exchange) {
        auth.management(exchange).everywhere().write();
        return Reply.ok(sweeper.sweep());
    }

    /** Body {@code {"days": N}} (N > 0), or {@code {"days": null}} or {@code {}} for the server's default. */
    private Reply setRetention(Exchange exchange) {
        Project project = projectByIdOrSlug(exchange.path("project"));
        auth.management(exchange).in(project.namespace()).write();
        JsonNode body = exchange.json(JsonNode.class, Limits.JSON_BODY);
        JsonNode days = body.path("days");
        boolean byDefault = days.isMissingNode() || days.isNull();
        if (!byDefault && !(days.canConvertToInt() && days.asInt() > 0)) {
            throw ApiError.badRequest("days: a whole number of days above 0, or null for the server's default");
        }
        store.blobs().setArtifactRetention(project.id(), byDefault ? null : days.asInt());
        return retention(exchange);
    }

    private Reply retention(Exchange exchange) {
        Project project = projectByIdOrSlug(exchange.path("project"));
        auth.management(exchange).in(project.namespace());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("project", project.slug());
        answer.put("days", store.blobs().artifactRetention(project.id()).orElse(null));
        answer.put("default_days", sweeper.retention().artifactDays());
        return Reply.ok(answer);
    }
}
