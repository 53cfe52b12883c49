package dev.runway.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.it.support.GitRepository;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.Waits;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Caches and artifacts through the real parts: the image's server, its launch agent (process launcher) and task
 * agents running a repository's pipeline. save_cache and restore_cache of a tree of many small files and of one big
 * file, timed by the run steps around them, beside {@code tar -I zstd -cf} / {@code -xf} of the same tree on the same
 * disk; store_artifacts of a big file and its download through API v2, beside {@code cp}; the server's RSS while 8
 * jobs upload at once, for two blob sizes. Sizes are the issue's divided by {@code --storage-scale}; every file made
 * here (trees, archives, the server's blobs) is removed at the end.
 */
final class StorageBench implements AutoCloseable {
    private static final long MIB = 1024 * 1024;
    private static final String WORKFLOW = "bench";
    private static final Set<String> FINAL = Set.of("success", "failed", "error", "canceled", "not_run",
            "unauthorized");
    /** Jobs that upload at once in the memory figure. */
    static final int UPLOADERS = 8;

    /**
     * What the checked-copy floor rows stand for: the least any upload with the issue's guarantees does, in C
     * loops: the bytes read and hashed by one process, sent over loopback TCP to another that hashes, writes and
     * fsyncs them and answers its hash (checked_copy.py, a test resource).
     */
    private static final String CHECKED_COPY = "checked copy (checked_copy.py): a sender process reads and sha256s "
            + "the bytes as it sends them over loopback TCP, a receiver sha256s, writes and fsyncs them and answers "
            + "its hash, the sender compares; OpenSSL's sha256 and socket and file calls in C, 256 KiB at a time";

    private final Options options;
    private final long treeBytes;
    private final int treeFiles;
    private final long bigBytes;
    private final Path directory;
    private final Cluster cluster;
    private final LaunchAgentProcess agent;
    /** The checked-copy floor's script, or null where there is no python3 (its rows then say SKIP). */
    private final Path checkedCopy;
    private int sequence;

    private StorageBench(Options options, Path directory, Cluster cluster, LaunchAgentProcess agent)
            throws IOException, InterruptedException {
        this.options = options;
        this.treeBytes = 1024 * MIB / options.storageScale();
        this.treeFiles = 100_000 / options.storageScale();
        this.bigBytes = 1024 * MIB / options.storageScale();
        this.directory = directory;
        this.cluster = cluster;
        this.agent = agent;
        this.checkedCopy = checkedCopyScript(directory);
    }

    /** The server and a launch agent of 8 slots under this run's directory; {@link #close()} removes it all. */
    static StorageBench start(Options options) throws Exception {
        Path directory = options.work().resolve("storage");
        Cluster cluster = Cluster.start(directory.resolve("cluster"));
        try {
            LaunchAgentProcess agent = LaunchAgentProcess.start(List.of(), directory.resolve("agent"),
                    "bench-storage", cluster.apiUrl(), cluster.resourceClassToken("storage"),
                    "max_concurrent_tasks: " + UPLOADERS, Map.of());
            return new StorageBench(options, directory, cluster, agent);
        } catch (Exception e) {
            cluster.close();
            remove(directory);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            agent.kill();
            cluster.close();
        } finally {
            remove(directory);
        }
    }

    private String conditions() {
        return "sizes: the issue's / " + options.storageScale() + " (--storage-scale)";
    }

    // ---- caches -------------------------------------------------------------------------------------------------

    /** Saves a cache in one job, removes the tree and restores it in the next; stamps around both steps. */
    private static String cacheConfig() {
        return """
                version: 2.1
                parameters:
                  tree: {type: string, default: /nonexistent}
                  key: {type: string, default: none}
                  markers: {type: string, default: /nonexistent}
                executors:
                  here:
                    machine: true
                    resource_class: %s
                jobs:
                  save:
                    executor: here
                    steps:
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/save-start
                      - save_cache:
                          key: << pipeline.parameters.key >>
                          paths:
                            - << pipeline.parameters.tree >>
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/save-end
                  restore:
                    executor: here
                    steps:
                      - run: rm -rf << pipeline.parameters.tree >>
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/restore-start
                      - restore_cache:
                          keys:
                            - << pipeline.parameters.key >>
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/restore-end
                workflows:
                  %s:
                    jobs:
                      - save
                      - restore: {requires: [save]}
                """.formatted(Cluster.resourceClass("storage"), WORKFLOW);
    }

    List<Row> caches() throws Exception {
        String slug = project("storage-cache", cacheConfig());
        Path small = directory.resolve("data/small-files/tree");
        Path big = directory.resolve("data/big-file/tree");
        writeTree(small, treeFiles, treeBytes);
        writeTree(big, 1, bigBytes);
        List<Row> rows = new ArrayList<>();
        rows.addAll(cacheRows(slug, small, String.format("%,d files, %d MiB", treeFiles,
                treeBytes / MIB)));
        remove(small.getParent());
        rows.addAll(cacheRows(slug, big, "one file of " + bigBytes / MIB + " MiB"));
        remove(big.getParent());
        return rows;
    }

    private List<Row> cacheRows(String slug, Path tree, String what)
            throws Exception {
        Tree expected;
        Path archive = tree.resolveSibling("floor.tar.zst");
        List<Double> saves = new ArrayList<>();
        List<Double> restores = new ArrayList<>();
        List<Double> tarSaves = new ArrayList<>();
        List<Double> tarRestores = new ArrayList<>();
        List<Double> checkedSaves = new ArrayList<>();
        double mib = Tree.of(tree).bytes() / (double) MIB;
        for (int run = 0; run < options.runs(); run++) {
            Path markers = markers();
            stampFirstFile(tree, markers);
            expected = Tree.of(tree);
            Processes.awaitQuiet();
            String pipeline = cluster.pipelines.trigger(slug, "main", null, Map.of("tree", tree.toString(),
                    "key", "bench-" + sequence, "markers", markers.toString())).id();
            awaitSuccess(pipeline);
            Tree restored = Tree.of(tree);
            if (!restored.equals(expected)) {
                throw new IllegalStateException("restore_cache gave " + restored + " of " + tree + ", not " + expected);
            }
            saves.add(mib / seconds(markers, "save"));
            restores.add(mib / seconds(markers, "restore"));
            // the floor: the same tree, the same disk, zstd's default level, as the archive's
            Processes.awaitQuiet();
            tarSaves.add(mib / (timedSeconds("tar", "-I", "zstd", "-cf", archive.toString(), "-C",
                    tree.getParent().toString(), tree.getFileName().toString())));
            if (checkedCopy != null) {
                Path copied = tree.resolveSibling("checked.tar.zst");
                Processes.awaitQuiet();
                String pipe = "tar -I zstd -cf - -C \"$1\" \"$2\" | python3 \"$0\" - \"$3\"";
                checkedSaves.add(mib / checkedCopySeconds(pipe, tree.getParent().toString(),
                        tree.getFileName().toString(), copied.toString()));
                Files.delete(copied);
                Processes.awaitQuiet();
            }
            remove(tree);
            tarRestores.add(mib / (timedSeconds("tar", "-I", "zstd", "-xf", archive.toString(), "-C",
                    tree.getParent().toString())));
            Files.delete(archive);
            if (!Tree.of(tree).equals(expected)) {
                throw new IllegalStateException("tar -x did not give back " + expected + " of " + tree);
            }
        }
        Stats save = Stats.of(saves);
        Stats restore = Stats.of(restores);
        Stats tarSave = Stats.of(tarSaves);
        Stats tarRestore = Stats.of(tarRestores);
        String note = "from the run step before the cache step to the one after (the archive made, uploaded to the "
                + "server, which fsyncs it; or downloaded and unpacked); random (incompressible) bytes; " + conditions();
        return List.of(
                Row.measured("save_cache, " + what, "MiB/s", save, "tar -I zstd -cf", tarSave, ">= 0.7x floor",
                        save.median() >= 0.7 * tarSave.median(), note),
                Row.measured("restore_cache, " + what, "MiB/s", restore, "tar -I zstd -xf", tarRestore,
                        ">= 0.7x floor", restore.median() >= 0.7 * tarRestore.median(), "the tree removed first"),
                checkedRow("floor part: tar -I zstd -cf - piped into a checked copy, " + what, checkedSaves,
                        "tar -I zstd -cf", tarSave, CHECKED_COPY),
                checkedRow("save_cache against tar piped into a checked copy, " + what, saves,
                        "tar -I zstd -cf - piped into a checked copy",
                        checkedCopy == null ? null : Stats.of(checkedSaves),
                        "what save_cache must do at least, done by C tools beside it"));
    }

    /** An INFO row beside the checked copy, or SKIP where python3 is missing. */
    private Row checkedRow(String figure, List<Double> values, String floor, Stats floorStats, String note) {
        if (checkedCopy == null) {
            return Row.skipped(figure, "", "no python3 on this machine: the checked copy's floor is not measured");
        }
        return Row.infoBeside(figure, "MiB/s", Stats.of(values), floor, floorStats, note);
    }

    /** The checked-copy script written where python3 can read it, or null when there is no python3. */
    private static Path checkedCopyScript(Path directory) throws IOException, InterruptedException {
        try {
            Processes.run(List.of("python3", "-c", "import hashlib"), Map.of(), 60);
        } catch (IOException noPython) {
            return null;
        }
        Path script = directory.resolve("checked_copy.py");
        try (var in = StorageBench.class.getResourceAsStream("/bench/checked_copy.py")) {
            if (in == null) {
                throw new IllegalStateException("bench/checked_copy.py is not on the harness's class path");
            }
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /**
     * Seconds a checked copy took, as the script measured it (its interpreter's start left out): {@code shell} is
     * run by sh with the script as $0 and {@code arguments} as $1...
     */
    private double checkedCopySeconds(String shell, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", shell, checkedCopy.toString()));
        command.addAll(List.of(arguments));
        String output = Processes.run(command, Map.of(), 1800).strip();
        return Double.parseDouble(output.substring(output.lastIndexOf('\n') + 1));
    }

    // ---- artifacts ----------------------------------------------------------------------------------------------

    /**
     * {@code uploaders} jobs, each storing a copy of the file as an artifact, stamps around the step; each copy's
     * first bytes name its pipeline and job, since the server lets a project reuse a blob it already refers to.
     */
    private static String artifactConfig(int uploaders) {
        StringBuilder yaml = new StringBuilder("""
                version: 2.1
                parameters:
                  file: {type: string, default: /nonexistent}
                  markers: {type: string, default: /nonexistent}
                jobs:
                  upload:
                    machine: true
                    resource_class: %s
                    steps:
                      - run: |
                          cp << pipeline.parameters.file >> upload.bin
                          printf '%%-64s' "<< pipeline.parameters.markers >>/$CIRCLE_JOB" \\
                            | dd of=upload.bin conv=notrunc status=none
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/$CIRCLE_JOB-start
                      - store_artifacts:
                          path: upload.bin
                          destination: big.bin
                      - run: date +%%s%%N > << pipeline.parameters.markers >>/$CIRCLE_JOB-end
                      - run: rm upload.bin
                workflows:
                  %s:
                    jobs:
                """.formatted(Cluster.resourceClass("storage"), WORKFLOW));
        for (int i = 1; i <= uploaders; i++) {
            yaml.append("      - upload: {name: upload-").append(i).append("}\n");
        }
        return yaml.toString();
    }

    List<Row> artifacts() throws Exception {
        String slug = project("storage-artifact", artifactConfig(1));
        Path file = directory.resolve("data/artifact/big.bin");
        writeFile(file, bigBytes, new Random(1));
        Path copy = file.resolveSibling("copy.bin");
        Path downloaded = file.resolveSibling("downloaded.bin");
        double mib = bigBytes / (double) MIB;
        HttpClient http = HttpClient.newHttpClient();
        List<Double> uploads = new ArrayList<>();
        List<Double> downloads = new ArrayList<>();
        List<Double> curlDownloads = new ArrayList<>();
        List<Double> copies = new ArrayList<>();
        List<Double> syncedCopies = new ArrayList<>();
        List<Double> checkedCopies = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            Processes.awaitQuiet();
            Path markers = markers();
            String pipeline = cluster.pipelines.trigger(slug, "main", null, Map.of("file", file.toString(),
                    "markers", markers.toString())).id();
            JsonNode workflow = awaitSuccess(pipeline);
            uploads.add(mib / seconds(markers, "upload-1"));
            String url = artifactUrl(http, slug, workflow);
            Processes.awaitQuiet();
            long start = System.nanoTime();
            HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Circle-Token", cluster.server.adminToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(downloaded));
            double downloadSeconds = (System.nanoTime() - start) / 1e9;
            if (response.statusCode() != 200 || Files.size(downloaded) != bigBytes) {
                throw new IllegalStateException("downloading " + url + " answered " + response.statusCode() + " with "
                        + Files.size(downloaded) + " bytes, not " + bigBytes);
            }
            downloads.add(mib / downloadSeconds);
            Files.delete(downloaded);
            Processes.awaitQuiet();
            curlDownloads.add(mib / curlSeconds(url, downloaded));
            Files.delete(downloaded);
            Processes.awaitQuiet();
            copies.add(mib / timedSeconds("cp", file.toString(), copy.toString()));
            Files.delete(copy);
            syncedCopies.add(mib / timedSeconds("sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"",
                    file.toString(), copy.toString()));
            Files.delete(copy);
            if (checkedCopy != null) {
                Processes.awaitQuiet();
                checkedCopies.add(mib / checkedCopySeconds("python3 \"$0\" \"$1\" \"$2\"", file.toString(),
                        copy.toString()));
                Files.delete(copy);
            }
        }
        remove(file.getParent());
        Stats upload = Stats.of(uploads);
        Stats download = Stats.of(downloads);
        Stats curlDownload = Stats.of(curlDownloads);
        Stats cp = Stats.of(copies);
        String what = "one file of " + bigBytes / MIB + " MiB";
        return List.of(
                Row.measured("store_artifacts upload, " + what, "MiB/s", upload, "cp", cp, ">= 0.5x floor",
                        upload.median() >= 0.5 * cp.median(), "from the run step before store_artifacts to the one "
                                + "after; the server fsyncs each blob, cp does not (see the next row); "
                                + conditions()),
                Row.infoBeside("store_artifacts upload against cp + sync", "MiB/s", upload, "cp + sync FILE",
                        Stats.of(syncedCopies), "the copy made durable, as the server's blob store does"),
                checkedRow("floor part: checked copy, " + what, checkedCopies, "cp", cp, CHECKED_COPY),
                checkedRow("store_artifacts upload against a checked copy, " + what, uploads, "checked copy",
                        checkedCopy == null ? null : Stats.of(checkedCopies),
                        "what an upload must do at least, done by C tools beside it"),
                Row.measured("artifact download (API v2 url, curl), " + what, "MiB/s", curlDownload, "cp", cp,
                        ">= 0.5x floor", curlDownload.median() >= 0.5 * cp.median(), "curl -o FILE on the same disk "
                                + "over loopback, as CircleCI's docs download artifacts"),
                Row.infoBeside("artifact download (API v2 url, java.net.http), " + what, "MiB/s", download, "cp", cp,
                        "java.net.http client writing the body to a file on the same disk, over loopback"));
    }

    /**
     * Seconds {@code curl} takes to download {@code url} into {@code target}, size checked; the token goes in a
     * header file (never in curl's argv).
     */
    private double curlSeconds(String url, Path target) throws IOException, InterruptedException {
        Path headers = directory.resolve("curl-headers");
        Files.deleteIfExists(headers);
        Files.createFile(headers, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(headers, "Circle-Token: " + cluster.server.adminToken() + "\n");
        try {
            double seconds = timedSeconds("curl", "--silent", "--show-error", "--fail", "-H", "@" + headers,
                    "-o", target.toString(), url);
            if (Files.size(target) != bigBytes) {
                throw new IllegalStateException("curl of " + url + " gave " + Files.size(target) + " bytes, not "
                        + bigBytes);
            }
            return seconds;
        } finally {
            Files.delete(headers);
        }
    }

    /** The url of the one artifact of the pipeline's first job, from API v2. */
    private String artifactUrl(HttpClient http, String slug, JsonNode workflow)
            throws Exception {
        JsonNode jobs = cluster.pipelines.workflowJobs(workflow.path("id").asText());
        long number = jobs.path("items").get(0).path("job_number").asLong();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(cluster.uri().resolve("/api/v2/project/"
                + slug + "/" + number + "/artifacts")).header("Circle-Token", cluster.server.adminToken()).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode items = Json.mapper().readTree(response.body()).path("items");
        if (response.statusCode() != 200 || items.size() != 1) {
            throw new IllegalStateException("artifacts of job " + number + ": " + response.statusCode() + " "
                    + response.body());
        }
        return items.get(0).path("url").asText();
    }

    // ---- the server's memory ------------------------------------------------------------------------------------

    /** 8 jobs uploading a file at once, for half the size then the full size; the server's peak RSS growth for each. */
    List<Row> memory() throws Exception {
        String slug = project("storage-uploaders", artifactConfig(UPLOADERS));
        List<Row> rows = new ArrayList<>();
        double[] growth = new double[2];
        long[] sizes = {bigBytes / 2, bigBytes};
        for (int i = 0; i < sizes.length; i++) {
            Path file = directory.resolve("data/uploaders-" + i + "/big.bin");
            writeFile(file, sizes[i], new Random(i));
            List<Double> before = new ArrayList<>();
            List<Double> peaks = new ArrayList<>();
            List<Double> together = new ArrayList<>();
            for (int run = 0; run < options.runs(); run++) {
                Processes.awaitQuiet();
                long pid = cluster.server.pid();
                List<Double> idle = new ArrayList<>();
                for (int sample = 0; sample < 5; sample++) {
                    idle.add(Processes.rssMiB(pid));
                    Thread.sleep(100);
                }
                double rssBefore = Stats.of(idle).median();
                List<Double> during = java.util.Collections.synchronizedList(new ArrayList<>());
                ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        during.add(Processes.rssMiB(pid));
                    } catch (IOException gone) {
                        // the server ended: awaitSuccess below fails with its reason
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                Path markers = markers();
                try {
                    String pipeline = cluster.pipelines.trigger(slug, "main", null, Map.of("file", file.toString(),
                            "markers", markers.toString())).id();
                    awaitSuccess(pipeline);
                } finally {
                    sampler.shutdownNow();
                    sampler.awaitTermination(10, TimeUnit.SECONDS);
                }
                before.add(rssBefore);
                peaks.add(during.stream().mapToDouble(Double::doubleValue).max().orElseThrow() - rssBefore);
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (int job = 1; job <= UPLOADERS; job++) {
                    first = Math.min(first, stamp(markers.resolve("upload-" + job + "-start")));
                    last = Math.max(last, stamp(markers.resolve("upload-" + job + "-end")));
                }
                together.add(UPLOADERS * sizes[i] / (double) MIB / ((last - first) / 1e9));
            }
            remove(file.getParent());
            Stats peak = Stats.of(peaks);
            growth[i] = peak.median();
            rows.add(Row.info("server RSS growth, peak, " + UPLOADERS + " jobs uploading " + sizes[i] / MIB
                    + " MiB each at once", "MiB", peak, String.format("peak VmRSS (sampled every 100 ms) less the "
                            + "RSS before, median %.0f MiB; %s", Stats.of(before).median(), conditions())));
            rows.add(Row.info("store_artifacts, " + UPLOADERS + " jobs uploading " + sizes[i] / MIB
                    + " MiB each at once, all bytes", "MiB/s", Stats.of(together), "from the first job's step "
                            + "before store_artifacts to the last job's step after it"));
        }
        double difference = growth[1] - growth[0];
        rows.add(Row.measured("server RSS growth, " + sizes[1] / MIB + " MiB blobs less " + sizes[0] / MIB
                + " MiB blobs", "MiB", new Stats(difference, difference, difference, 1), "", null,
                "no growth with blob size (<= 32 MiB)", difference <= 32, "the two rows above: twice the bytes "
                        + "through the server should not need more memory"));
        return rows;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private record Tree(long files, long bytes) {
        static Tree of(Path root) throws IOException {
            if (!Files.isDirectory(root)) {
                return new Tree(0, 0);
            }
            try (Stream<Path> paths = Files.walk(root)) {
                long[] counted = new long[2];
                for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                    counted[0]++;
                    counted[1] += Files.size(path);
                }
                return new Tree(counted[0], counted[1]);
            }
        }
    }

    /** {@code files} files of random bytes, {@code bytes} in all, 100 to a directory. */
    private static void writeTree(Path root, int files, long bytes) throws IOException {
        Random random = new Random(files);
        long each = bytes / files;
        for (int i = 0; i < files; i++) {
            writeFile(root.resolve("d" + i / 100).resolve("f" + i + ".bin"),
                    i == files - 1 ? bytes - each * (files - 1) : each, random);
        }
    }

    private static void writeFile(Path file, long bytes, Random random) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[(int) Math.min(bytes, 1 << 20)];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; ) {
                int chunk = (int) Math.min(left, buffer.length);
                random.nextBytes(buffer);
                out.write(buffer, 0, chunk);
                left -= chunk;
            }
        }
    }

    /**
     * Overwrites the start of the tree's first file with {@code mark}: each run's archive is new to the server, which
     * would otherwise let the project reuse the blob of the run before.
     */
    private static void stampFirstFile(Path tree, Path mark) throws IOException {
        Path first;
        try (Stream<Path> paths = Files.walk(tree)) {
            first = paths.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = String.format("%-64s", mark).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(first,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes, 0, (int) Math.min(bytes.length, Files.size(first))), 0);
        }
    }

    /** Wall-clock seconds of {@code command}, which must succeed. */
    private static double timedSeconds(String... command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Processes.run(List.of(command), Map.of(), 1800);
        return (System.nanoTime() - start) / 1e9;
    }

    private Path markers() throws IOException {
        return Files.createDirectories(directory.resolve("markers/p-" + ++sequence));
    }

    /** Seconds between {@code NAME-start} and {@code NAME-end} stamped by the run steps. */
    private static double seconds(Path markers, String name) throws IOException {
        return (stamp(markers.resolve(name + "-end")) - stamp(markers.resolve(name + "-start"))) / 1e9;
    }

    private static long stamp(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }

    private String project(String name, String config) throws Exception {
        GitRepository repository = GitRepository.withConfig(directory.resolve(name), config);
        return cluster.pipelines.createProject(new PipelinesApi.ProjectCreate(Cluster.NAMESPACE,
                repository.directory().toString(), name, "main")).slug();
    }

    /** Waits until the pipeline's workflow is over (storage steps of big blobs take a while); fails unless success. */
    private JsonNode awaitSuccess(String pipeline) {
        JsonNode workflow = Waits.lastUntil(java.time.Duration.ofMinutes(15), JobDriver.POLL, () -> {
            for (JsonNode found : cluster.pipelines.workflows(pipeline).path("items")) {
                if (found.path("name").asText().equals(WORKFLOW)) {
                    return found;
                }
            }
            return null;
        }, found -> found != null && FINAL.contains(found.path("status").asText()));
        if (workflow == null || !workflow.path("status").asText().equals("success")) {
            throw new IllegalStateException("the workflow of pipeline " + pipeline + " did not succeed: " + workflow
                    + "; agent log:\n" + PickupBench.tail(agent.logText()));
        }
        return workflow;
    }

    private static void remove(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
