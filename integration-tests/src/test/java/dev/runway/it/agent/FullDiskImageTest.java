package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.GitRepository;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ServerProcess;
import dev.runway.protocol.PipelinesApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk end to end, with the built image's server, launch agent and task agents: the disk is a small tmpfs
 * mounted in a mount namespace of its own for one process (the server, or the launch agent and its tasks), so it is
 * gone with that process however the test ends, and nothing is mounted where anyone else looks.
 */
class FullDiskImageTest {
    private static final String NAMESPACE = "full-disk";
    /** The server keeps 256 MiB of its blob disk free (RunwayServer): this leaves 64 MiB for blobs. */
    private static final String SERVER_DISK = "320m";
    private static final Pattern SHA256 = Pattern.compile("([0-9a-f]{64})  ");

    /** The command prefix that runs a process with a tmpfs of {@code size} on {@code directory}, seen by it alone. */
    private static List<String> onOwnDisk(Path directory, String size) {
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=" + size + ",mode=0700 runway-test-disk \"$0\" && exec \"$@\"",
                directory.toString());
    }

    private static boolean canMountPrivately() throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            Process probe = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs -o size=64k probe /mnt && umount /mnt").redirectErrorStream(true).start();
            probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static final String CONFIG = """
            version: 2.1
            parameters:
              mib: {type: string, default: "1"}
              name: {type: string, default: a.bin}
            jobs:
              store:
                machine: true
                resource_class: %s
                steps:
                  - run: |
                      name=<< pipeline.parameters.name >>
                      head -c $(( << pipeline.parameters.mib >> * 1048576 )) /dev/urandom > "$name"
                      sha256sum "$name"
                  - store_artifacts: {path: << pipeline.parameters.name >>}
                  - run: echo AFTER-THE-ARTIFACT
            workflows:
              main: {jobs: [store]}
            """;

    /** A server, one launch agent and a project, closed together. */
    private record Cluster(ServerProcess server, ManagementClient management, PipelinesClient pipelines,
            List<LaunchAgentProcess> agents, String slug) implements AutoCloseable {
        URI uri() {
            return URI.create("http://127.0.0.1:" + server.port());
        }

        /** Triggers a pipeline and waits for the end of its (one) workflow. */
        JsonNode runWorkflow(Map<String, Object> parameters) throws Exception {
            String pipeline = pipelines.trigger(slug, "main", null, parameters).id();
            try {
                return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            JsonNode items = pipelines.workflows(pipeline).path("items");
                            return items.size() == 0 ? null : items.get(0);
                        }, found -> found != null && List.of("success", "failed", "error", "canceled")
                                .contains(found.path("status").asText()));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("pipeline " + parameters + " did not end: " + pipelines.pipeline(pipeline)
                        + "\n" + pipelines.workflows(pipeline) + "\nserver log:\n"
                        + Files.readString(server.log()) + "\nagent logs:\n" + agentLogs(), e);
            }
        }

        /** Runs a pipeline of one job; answers the job's number and the workflow's status. */
        Job run(Map<String, Object> parameters) throws Exception {
            JsonNode workflow = runWorkflow(parameters);
            long number = pipelines.workflowJobs(workflow.path("id").asText()).path("items").get(0)
                    .path("job_number").asLong();
            return new Job(number, workflow.path("status").asText());
        }

        String output(Job job, int step) throws Exception {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long offset = 0;
            while (true) {
                ManagementClient.OutputChunk chunk = management.jobOutput(Long.toString(job.number()), step, offset,
                        Duration.ZERO);
                bytes.write(chunk.data());
                if (chunk.data().length == 0 || chunk.nextOffset() == offset) {
                    return bytes.toString(StandardCharsets.UTF_8);
                }
                offset = chunk.nextOffset();
            }
        }

        /** The job's artifacts by path: their API v2 download urls. */
        Map<String, String> artifacts(Job job) throws Exception {
            Map<String, String> urls = new java.util.TreeMap<>();
            for (JsonNode item : pipelines.json("GET", PipelinesApi.V2 + "/project/" + PipelinesClient.escape(slug)
                    + "/" + job.number() + "/artifacts", null).path("items")) {
                urls.put(item.path("path").asText(), item.path("url").asText());
            }
            return urls;
        }

        /** The sha256 of an artifact's download, streamed. */
        String downloadSha256(String url) throws Exception {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url)).header("Circle-Token", server.adminToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).as(url).isEqualTo(200);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[1 << 16];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, read);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        String agentLogs() {
            StringBuilder logs = new StringBuilder();
            agents.forEach(agent -> logs.append(agent.logText()));
            return logs.toString();
        }

        @Override
        public void close() {
            try {
                for (LaunchAgentProcess agent : agents) {
                    agent.kill();
                }
                server.close(); // and with it the server's mount namespace and its tmpfs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Job(long number, String status) {}

    /**
     * The server (run with {@code serverPrefix}), a project of {@code config} (formatted with the resource class
     * {@code full-disk/NAME} of each agent, in order) and one launch agent per entry of {@code agentPrefixes}.
     */
    private static Cluster cluster(Path tmp, List<String> serverPrefix, String config,
            List<List<String>> agentPrefixes) throws Exception {
        ServerProcess server = ServerProcess.start(serverPrefix, tmp.resolve("server-data"),
                tmp.resolve("server.log"), "127.0.0.1", 0, "60s");
        List<LaunchAgentProcess> agents = new java.util.ArrayList<>();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.port());
            ManagementClient management = server.management(uri);
            management.createNamespace(NAMESPACE, UUID.randomUUID().toString());
            PipelinesClient pipelines = new PipelinesClient(new HttpTransport(uri, Duration.ofSeconds(30)),
                    server.adminToken());
            List<Object> resourceClasses = new java.util.ArrayList<>();
            for (int i = 0; i < agentPrefixes.size(); i++) {
                String resourceClass = NAMESPACE + "/agent-" + i;
                management.createResourceClass(resourceClass, "full disk end-to-end tests");
                String token = management.createToken(resourceClass, "e2e").token();
                agents.add(LaunchAgentProcess.start(agentPrefixes.get(i), tmp.resolve("agent-" + i),
                        "full-disk-" + i, uri.toString(), token, "", Map.of()));
                resourceClasses.add(resourceClass);
            }
            GitRepository repository = GitRepository.withConfig(tmp.resolve("repo"),
                    config.formatted(resourceClasses.toArray()));
            String slug = pipelines.createProject(new PipelinesApi.ProjectCreate(NAMESPACE,
                    repository.directory().toString(), "full-disk", "main")).slug();
            return new Cluster(server, management, pipelines, agents, slug);
        } catch (Exception | AssertionError e) {
            for (LaunchAgentProcess agent : agents) {
                agent.kill();
            }
            server.close();
            throw e;
        }
    }

    private static String sha256Printed(String output) {
        Matcher sha = SHA256.matcher(output);
        assertThat(sha.find()).as(output).isTrue();
        return sha.group(1);
    }

    private static List<Path> filesUnder(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void anArtifactBiggerThanTheServersFreeSpaceFailsItsStepAndLeavesEveryOtherBlobWhole(@TempDir Path tmp)
            throws Exception {
        assumeTrue(canMountPrivately(), "needs root and unshare(1) to mount a tmpfs in a private mount namespace");
        Path blobs = Files.createDirectories(tmp.resolve("server-data/blobs"));
        try (Cluster cluster = cluster(tmp, onOwnDisk(blobs, SERVER_DISK), CONFIG, List.of(List.of()))) {
            // what the server sees at its blob directory: the tmpfs, through its own mount namespace
            Path serverBlobs = Path.of("/proc/" + cluster.server().pid() + "/root" + blobs);

            Job early = cluster.run(Map.of("mib", "8", "name", "early.bin"));
            assertThat(early.status()).as(cluster.output(early, 1)).isEqualTo("success");
            String earlySha = sha256Printed(cluster.output(early, 0));

            Job big = cluster.run(Map.of("mib", "100", "name", "big.bin"));
            String refused = cluster.output(big, 1);
            assertThat(big.status()).as(refused).isEqualTo("failed");
            assertThat(refused).as("the step names the server's full disk").contains("507",
                    "the server's disk has no room for this blob");
            assertThat(cluster.output(big, 2)).as("no step after the failed one").doesNotContain("AFTER-THE-ARTIFACT");
            assertThat(cluster.server().isAlive()).as("the server keeps running").isTrue();
            assertThat(cluster.artifacts(big)).as("no artifact of the refused upload").isEmpty();
            assertThat(filesUnder(serverBlobs.resolve("uploads"))).as("no half upload left").isEmpty();
            assertThat(filesUnder(serverBlobs.resolve("objects"))).as("only the earlier blob").hasSize(1)
                    .allSatisfy(file -> assertThat(file.getFileName().toString()).isEqualTo(earlySha));

            Map<String, String> earlyArtifacts = cluster.artifacts(early);
            assertThat(earlyArtifacts).containsOnlyKeys("early.bin");
            assertThat(cluster.downloadSha256(earlyArtifacts.get("early.bin"))).isEqualTo(earlySha);

            Job later = cluster.run(Map.of("mib", "8", "name", "later.bin"));
            assertThat(later.status()).as(cluster.output(later, 1)).isEqualTo("success");
            assertThat(cluster.downloadSha256(cluster.artifacts(later).get("later.bin")))
                    .isEqualTo(sha256Printed(cluster.output(later, 0)));
        }
    }

    @Test
    void aWorkspaceAttachedOntoAFullDiskFailsItsStepClearly(@TempDir Path tmp) throws Exception {
        assumeTrue(canMountPrivately(), "needs root and unshare(1) to mount a tmpfs in a private mount namespace");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        // the second agent's task working directories are on a disk of 16 MiB; its tasks' scratch is not
        Path smallWork = Files.createDirectories(tmp.resolve("agent-1/work"));
        String config = """
                version: 2.1
                jobs:
                  produce:
                    machine: true
                    resource_class: %s
                    steps:
                      - run: head -c 40000000 /dev/urandom > OUTSIDE/data.bin
                      - persist_to_workspace: {root: OUTSIDE, paths: [data.bin]}
                  consume:
                    machine: true
                    resource_class: %s
                    steps:
                      - attach_workspace: {at: ws}
                      - run: echo AFTER-THE-ATTACH
                workflows:
                  main:
                    jobs:
                      - produce
                      - consume: {requires: [produce]}
                """.replace("OUTSIDE", outside.toString());
        try (Cluster cluster = cluster(tmp, List.of(), config, List.of(List.of(), onOwnDisk(smallWork, "16m")))) {
            JsonNode workflow = cluster.runWorkflow(Map.of());
            Map<String, Long> numbers = new java.util.HashMap<>();
            cluster.pipelines().workflowJobs(workflow.path("id").asText()).path("items").forEach(job ->
                    numbers.put(job.path("name").asText(), job.path("job_number").asLong()));
            Job consume = new Job(numbers.get("consume"), workflow.path("status").asText());
            String attach = cluster.output(consume, 0);
            assertThat(workflow.path("status").asText()).as("%s%n%s", attach, cluster.agentLogs())
                    .isEqualTo("failed");
            assertThat(attach).as("the step names the full disk").contains("No space left on device");
            assertThat(cluster.output(consume, 1)).doesNotContain("AFTER-THE-ATTACH");
        }
    }
}
