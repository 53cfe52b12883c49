package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.BlobsApi.ArtifactUpload;
import dev.runway.protocol.BlobsApi.ArtifactUploads;
import dev.runway.protocol.BlobsApi.BlobRef;
import dev.runway.protocol.BlobsApi.CacheHit;
import dev.runway.protocol.BlobsApi.CacheSave;
import dev.runway.protocol.BlobsApi.CacheSaved;
import dev.runway.protocol.BlobsApi.WorkspaceLayer;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.Storage;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.taskagent.storage.Archives;
import dev.runway.taskagent.storage.CacheKeys;
import dev.runway.taskagent.storage.Globs;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The steps the task agent runs itself: {@code save_cache}, {@code restore_cache}, {@code persist_to_workspace},
 * {@code attach_workspace} and {@code store_artifacts}. Archives are written straight into a streamed upload and read
 * straight out of a download, each hashed on the way (sha256) and checked against the server's hash before anything
 * is registered or trusted; artifacts are uploaded the same way (resumable); the step's output says what was saved or
 * restored, with sizes. A cache archive keeps where each path was: under the job's working directory, under
 * {@code ~}, or elsewhere (restored to the same absolute place), since each task has a working directory of its own.
 */
final class StorageSteps {
    static final String WORKING_DIRECTORY = "working_directory";
    static final String HOME = "home";
    static final String ROOT = "root";
    static final String WORKSPACE = "workspace";
    private static final int ARTIFACTS_PER_CALL = 500;
    /** How often a restore that a cut connection broke starts over. */
    private static final int DOWNLOAD_ATTEMPTS = 3;

    private final TaskClient client;
    private final TaskJob job;
    private final Path jobDirectory;
    private final String home;

    StorageSteps(TaskClient client, TaskJob job, Path jobDirectory, String home) {
        this.client = client;
        this.job = job;
        this.jobDirectory = jobDirectory;
        this.home = home;
    }

    static boolean handles(StepType type) {
        return type == StepType.SAVE_CACHE || type == StepType.RESTORE_CACHE || type == StepType.PERSIST_TO_WORKSPACE
                || type == StepType.ATTACH_WORKSPACE || type == StepType.STORE_ARTIFACTS;
    }

    /**
     * Runs {@code step} in {@code directory} with {@code environment}, writing to {@code log}. Throws
     * IOException / IllegalArgumentException with the reason the step failed.
     */
    void run(StepSpec step, Path directory, Map<String, String> environment, StepLog log)
            throws IOException, ApiException, InterruptedException {
        Storage storage = step.storage() == null ? new Storage(List.of(), List.of(), null, null) : step.storage();
        switch (step.type()) {
            case SAVE_CACHE -> saveCache(storage, directory, environment, log);
            case RESTORE_CACHE -> restoreCache(storage, directory, environment, log);
            case PERSIST_TO_WORKSPACE -> persist(storage, directory, log);
            case ATTACH_WORKSPACE -> attach(storage, directory, log);
            case STORE_ARTIFACTS -> storeArtifacts(storage, directory, log);
            default -> throw new IllegalArgumentException("not a storage step: " + step.type());
        }
    }

    private CacheKeys.Context keyContext(Path directory, Map<String, String> environment) {
        String branch = job.checkout() == null ? environment.get("CIRCLE_BRANCH") : job.checkout().branch();
        String revision = job.checkout() == null ? environment.get("CIRCLE_SHA1") : job.checkout().revision();
        return new CacheKeys.Context(branch, revision, job.buildNum(), environment, directory,
                System.currentTimeMillis() / 1000);
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }

    /** {@code ~} expanded, relative to {@code directory}, normalised. */
    private Path resolve(Path directory, String path) {
        return JobEnvironment.resolveDirectory(path, directory, home);
    }

    private void saveCache(Storage storage, Path directory, Map<String, String> environment, StepLog log)
            throws IOException, ApiException, InterruptedException {
        if (list(storage.keys()).isEmpty()) {
            throw new IllegalArgumentException("save_cache needs a key");
        }
        String key = CacheKeys.render(storage.keys().get(0), keyContext(directory, environment));
        CacheHit existing = client.findCache(List.of(key));
        if (existing != null && existing.key().equals(key)) {
            log.line("Skipping cache generation, cache already exists for key: " + key);
            return;
        }
        List<Archives.Source> sources = new ArrayList<>();
        for (String path : list(storage.paths())) {
            Path resolved = resolve(directory, path);
            if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
                log.line("Warning: " + resolved + " does not exist; not cached");
                continue;
            }
            sources.add(new Archives.Source(resolved, cacheName(resolved)));
            log.line("Creating cache archive with " + resolved);
        }
        if (sources.isEmpty()) {
            log.line("Nothing to cache for key " + key + ": none of its paths exists");
            return;
        }
        long started = System.nanoTime();
        Archived archive = archiveAndUpload(sources);
        CacheSaved saved = client.saveCache(new CacheSave(key, archive.blob().sha256(), archive.blob().size()));
        log.line(saved.saved() ? "Stored cache " + key + ": " + archive + ", archived and uploaded in "
                + seconds(started) : "Skipping cache, another job stored key " + key + " meanwhile");
    }

    /** An archive uploaded: its blob (checked end to end) and what it holds. */
    private record Archived(BlobRef blob, Archives.Summary contents) {
        @Override
        public String toString() {
            return contents.files() + " files (" + size(contents.bytes()) + "), archive " + size(blob.size());
        }
    }

    /**
     * Archives {@code sources} straight into an upload (no scratch copy): the archive is hashed as it goes out and
     * registered by the caller only once the server's hash of what it stored is the same.
     */
    private Archived archiveAndUpload(List<Archives.Source> sources)
            throws IOException, ApiException, InterruptedException {
        Archives.Summary[] contents = {null};
        BlobRef blob = client.uploadStream(out -> contents[0] = Archives.create(sources, out));
        return new Archived(blob, contents[0]);
    }

    /** Where a cached path goes in the archive: relative to the working directory, to ~, or to /. */
    private String cacheName(Path path) {
        Path home = Path.of(this.home).toAbsolutePath().normalize();
        if (path.startsWith(jobDirectory)) {
            return join(WORKING_DIRECTORY, jobDirectory.relativize(path));
        }
        if (path.startsWith(home)) {
            return join(HOME, home.relativize(path));
        }
        return join(ROOT, path.getRoot().relativize(path));
    }

    private static String join(String top, Path relative) {
        String rest = relative.toString().replace('\\', '/');
        return rest.isEmpty() ? top : top + "/" + rest;
    }

    private void restoreCache(Storage storage, Path directory, Map<String, String> environment, StepLog log)
            throws IOException, ApiException, InterruptedException {
        List<String> keys = new ArrayList<>();
        CacheKeys.Context context = keyContext(directory, environment);
        for (String template : list(storage.keys())) {
            keys.add(CacheKeys.render(template, context));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("restore_cache needs key or keys");
        }
        CacheHit hit = client.findCache(keys);
        if (hit == null) {
            log.line("No cache is found for keys: " + String.join(", ", keys));
            return;
        }
        log.line("Found a cache from key " + hit.key() + " (" + size(hit.size()) + ", stored " + hit.createdAt()
                + ")");
        Map<String, Path> roots = new LinkedHashMap<>();
        roots.put(WORKING_DIRECTORY, jobDirectory);
        roots.put(HOME, Path.of(home));
        roots.put(ROOT, jobDirectory.getRoot());
        long started = System.nanoTime();
        Archives.Summary restored = downloadAndExtract(hit.sha256(), roots);
        log.line("Restored " + restored.files() + " files (" + size(restored.bytes()) + ", " + restored.entries()
                + " entries) in " + seconds(started) + ", downloaded and unpacked at once");
    }

    /**
     * Extracts the blob {@code sha256} into {@code roots} as it downloads (no scratch copy); its hash is checked at
     * its end. On a mismatch, a cut connection or a refused entry, the paths this extraction wrote are removed (a
     * file it replaced is not brought back): the step fails, or, after a cut, starts over, up to
     * {@link #DOWNLOAD_ATTEMPTS} times.
     */
    private Archives.Summary downloadAndExtract(String sha256, Map<String, Path> roots)
            throws IOException, ApiException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            List<Path> placed = new ArrayList<>();
            Archives.Summary[] restored = {null};
            try {
                client.readBlob(sha256, in -> restored[0] = Archives.extract(in, roots, placed::add));
                return restored[0];
            } catch (IOException | RuntimeException e) {
                removePlaced(placed);
                if (!(e instanceof ApiException failure && failure.retryable()) || attempt == DOWNLOAD_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Removes what an untrustworthy extraction wrote: files and symlinks, then its directories deepest first. */
    private static void removePlaced(List<Path> placed) throws IOException {
        List<Path> directories = new ArrayList<>();
        for (Path path : placed) {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                directories.add(path);
            } else {
                Files.deleteIfExists(path);
            }
        }
        directories.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path directory : directories) {
            try {
                Files.deleteIfExists(directory);
            } catch (DirectoryNotEmptyException heldOtherFiles) {
                // it was there before with files of its own: those stay
            }
        }
    }

    private void persist(Storage storage, Path directory, StepLog log)
            throws IOException, ApiException, InterruptedException {
        if (storage.root() == null || storage.root().isBlank()) {
            throw new IllegalArgumentException("persist_to_workspace needs a root");
        }
        Path root = resolve(directory, storage.root());
        if (!Files.isDirectory(root)) {
            throw new IOException("persist_to_workspace: root " + root + " is not a directory");
        }
        List<Archives.Source> sources = new ArrayList<>();
        for (String pattern : list(storage.paths())) {
            List<Path> matches = Globs.expand(root, pattern);
            for (Path match : matches) {
                if (!match.startsWith(root)) {
                    throw new IOException("persist_to_workspace: path " + pattern + " is outside the root " + root);
                }
                if (!Files.exists(match, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("persist_to_workspace: " + match + " does not exist");
                }
                sources.add(new Archives.Source(match, join(WORKSPACE, root.relativize(match))));
            }
            if (matches.isEmpty()) {
                throw new IOException("persist_to_workspace: the glob " + pattern + " matches nothing under " + root);
            }
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("persist_to_workspace needs paths");
        }
        long started = System.nanoTime();
        Archived archive = archiveAndUpload(sources);
        client.addWorkspaceLayer(archive.blob());
        log.line("Persisted " + String.join(", ", list(storage.paths())) + " of " + root + " to the workspace: "
                + archive + ", archived and uploaded in " + seconds(started));
    }

    private void attach(Storage storage, Path directory, StepLog log)
            throws IOException, ApiException, InterruptedException {
        if (storage.root() == null || storage.root().isBlank()) {
            throw new IllegalArgumentException("attach_workspace needs at");
        }
        Path at = resolve(directory, storage.root());
        List<WorkspaceLayer> layers = client.workspaceLayers().layers();
        if (layers == null || layers.isEmpty()) {
            log.line("No workspace to attach: the jobs this one requires persisted nothing");
            return;
        }
        log.line("Attaching workspace at " + at);
        for (WorkspaceLayer layer : layers) {
            Archives.Summary restored = downloadAndExtract(layer.sha256(), Map.of(WORKSPACE, at));
            log.line("  layer of " + layer.jobName() + ": " + restored.files() + " files ("
                    + size(restored.bytes()) + ", archive " + size(layer.size()) + ")");
        }
    }

    private void storeArtifacts(Storage storage, Path directory, StepLog log)
            throws IOException, ApiException, InterruptedException {
        if (storage.root() == null || storage.root().isBlank()) {
            throw new IllegalArgumentException("store_artifacts needs a path");
        }
        Path path = resolve(directory, storage.root());
        String destination = storage.destination() != null && !storage.destination().isBlank()
                ? trimSlashes(storage.destination()) : trimSlashes(storage.root().replace("~", ""));
        if (!Files.exists(path)) {
            log.line("No artifact files found at " + path);
            return;
        }
        Map<String, Path> files = new LinkedHashMap<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path file : (Iterable<Path>) walk.sorted()::iterator) {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        String relative = path.relativize(file).toString().replace('\\', '/');
                        files.put(destination.isEmpty() ? relative : destination + "/" + relative, file);
                    }
                }
            }
        } else {
            files.put(destination.isEmpty() ? path.getFileName().toString() : destination, path);
        }
        List<ArtifactUpload> uploads = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Path> file : files.entrySet()) {
            BlobRef blob = client.uploadFile(file.getValue());
            uploads.add(new ArtifactUpload(file.getKey(), blob.sha256(), blob.size()));
            bytes += blob.size();
            log.line("Uploaded " + file.getKey() + " (" + size(blob.size()) + ")");
            if (uploads.size() == ARTIFACTS_PER_CALL) {
                client.addArtifacts(new ArtifactUploads(List.copyOf(uploads)));
                uploads.clear();
            }
        }
        if (!uploads.isEmpty()) {
            client.addArtifacts(new ArtifactUploads(uploads));
        }
        log.line("Stored " + files.size() + " artifacts from " + path + " (" + size(bytes) + ")");
    }

    private static String trimSlashes(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/") || trimmed.startsWith("./")) {
            trimmed = trimmed.substring(trimmed.startsWith("/") ? 1 : 2);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    /** Seconds since {@code started} (a {@link System#nanoTime()}), for the step's log: "1.2 s". */
    private static String seconds(long started) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

}
