package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.it.support.ServerProcess;
import dev.runway.protocol.Json;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caches, workspaces and artifacts through the built image: {@code runway run} runs a repository's workflow with its
 * embedded server and real launch and task agents. One job saves a cache and persists a workspace, the next restores
 * and attaches both and compares the bytes; a job stores 1,000 artifacts and a 500 MiB one, which are downloaded
 * through API v2 from the server started again on the kept data directory and compared by sha256.
 */
class StorageStepsImageTest {
    private static final Pattern KEPT = Pattern.compile("Kept (\\S+) \\(logs in runway.log\\)");

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    private static Path repository(Path dir, String config) throws Exception {
        Files.createDirectories(dir.resolve(".circleci"));
        Files.writeString(dir.resolve(".circleci/config.yml"), config);
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "config");
        return dir;
    }

    private record Run(int exit, String out) {}

    private static Run runway(Path tmp, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(AgentHarness.RUNWAY.toString()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out-" + System.nanoTime() + ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(600, TimeUnit.SECONDS)).as("runway run ends").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static void remove(Path tree) throws IOException {
        if (tree == null || !Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aJobRestoresTheCacheAndAttachesTheWorkspaceThatAnEarlierJobSaved(@TempDir Path tmp) throws Exception {
        Path repo = repository(tmp.resolve("repo"), """
                version: 2.1
                executors:
                  here: {machine: true, resource_class: storage/linux}
                jobs:
                  produce:
                    executor: here
                    steps:
                      - checkout
                      - run: |
                          mkdir -p deps/nested out/deep
                          head -c 3000000 /dev/urandom > deps/nested/lib.bin
                          chmod 751 deps/nested/lib.bin
                          ln -s nested/lib.bin deps/link
                          head -c 2000000 /dev/urandom > out/deep/result.bin
                          echo layer-one > out/first.txt
                          sha256sum deps/nested/lib.bin out/deep/result.bin out/first.txt > sums.txt
                          stat -c %a deps/nested/lib.bin > modes.txt
                      - save_cache:
                          key: deps-{{ .Branch }}-{{ checksum "sums.txt" }}
                          paths: [deps]
                      - persist_to_workspace:
                          root: .
                          paths: [out, "*.txt"]
                  again:
                    executor: here
                    steps:
                      - run: mkdir -p out && echo layer-two > out/first.txt
                      - persist_to_workspace: {root: ., paths: [out/first.txt]}
                  consume:
                    executor: here
                    steps:
                      - restore_cache:
                          keys:
                            - deps-{{ .Branch }}-no-such-key
                            - deps-{{ .Branch }}-
                      - attach_workspace: {at: ws}
                      - run: |
                          cd ws && grep out/deep sums.txt | sha256sum -c
                          grep -q layer-two out/first.txt
                          cd .. && grep deps/nested/lib.bin ws/sums.txt | sha256sum -c
                          test "$(stat -c %a deps/nested/lib.bin)" = "$(cat ws/modes.txt)"
                          test "$(readlink deps/link)" = nested/lib.bin
                          echo BYTES-MATCH
                workflows:
                  main:
                    jobs:
                      - produce
                      - again: {requires: [produce]}
                      - consume: {requires: [again]}
                """);
        Run run = runway(tmp, "run", repo.toString());
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("Stored cache deps-main-", "Persisted out, *.txt of ",
                "Found a cache from key deps-main-", "Restored 1 files (2.9 MiB", "layer of produce: 4 files",
                "layer of again: 1 files", "BYTES-MATCH", "Workflow main: success");
        assertThat(run.out().indexOf("layer of produce")).as("the older layer first, so the later one wins")
                .isLessThan(run.out().indexOf("layer of again"));
    }

    @Test
    void aThousandArtifactsAndOneOf500MibComeBackByteForByte(@TempDir Path tmp) throws Exception {
        Path repo = repository(tmp.resolve("repo"), """
                version: 2.1
                jobs:
                  artifacts:
                    machine: true
                    resource_class: storage/linux
                    steps:
                      - run: |
                          mkdir -p small big
                          for i in $(seq 1 1000); do echo "artifact $i $RANDOM" > small/file-$i.txt; done
                          head -c 524288000 /dev/urandom > big/blob.bin
                          (cd small && sha256sum file-*.txt) > manifest.txt
                          sha256sum big/blob.bin | cut -d' ' -f1 | sed 's/^/BIG-SHA256 /'
                      - store_artifacts: {path: small, destination: many}
                      - store_artifacts: {path: big/blob.bin, destination: big.bin}
                      - store_artifacts: {path: manifest.txt}
                      - run: rm -rf small big
                workflows:
                  main: {jobs: [artifacts]}
                """);
        Run run = runway(tmp, "run", "--keep", repo.toString());
        Matcher kept = KEPT.matcher(run.out());
        Path home = kept.find() ? Path.of(kept.group(1)) : null;
        try {
            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(run.out()).contains("Stored 1000 artifacts from ", "Uploaded big.bin (500.0 MiB)");
            Matcher big = Pattern.compile("BIG-SHA256 ([0-9a-f]{64})").matcher(run.out());
            assertThat(big.find()).as(run.out()).isTrue();
            Matcher number = Pattern.compile("main/artifacts \\(job #(\\d+)\\)").matcher(run.out());
            assertThat(number.find()).as(run.out()).isTrue();
            assertThat(home).as("runway run --keep says where").isNotNull();

            try (ServerProcess server = ServerProcess.start(List.of(), home.resolve("server"),
                    tmp.resolve("server.log"), "127.0.0.1", 0, "60s")) {
                HttpClient http = HttpClient.newHttpClient();
                URI base = URI.create("http://127.0.0.1:" + server.port());
                String token = server.adminToken();
                JsonNode projects = get(http, base.resolve("/api/v3/projects"), token);
                String slug = projects.get("items").get(0).get("slug").asText();
                JsonNode list = get(http, base.resolve("/api/v2/project/" + slug + "/" + number.group(1)
                        + "/artifacts"), token);
                assertThat(list.get("next_page_token").isNull()).isTrue();
                Map<String, String> urls = new HashMap<>();
                for (JsonNode item : list.get("items")) {
                    assertThat(item.get("node_index").asInt()).isZero();
                    urls.put(item.get("path").asText(), item.get("url").asText());
                }
                assertThat(urls).hasSize(1002).containsKeys("big.bin", "manifest.txt", "many/file-1.txt",
                        "many/file-1000.txt");

                assertThat(sha256(http, urls.get("big.bin"), token)).isEqualTo(big.group(1));
                String manifest = new String(bytes(http, urls.get("manifest.txt"), token), StandardCharsets.UTF_8);
                List<String> lines = manifest.lines().toList();
                assertThat(lines).hasSize(1000);
                for (String line : lines) {
                    String[] parts = line.split("\\s+");
                    assertThat(sha256(http, urls.get("many/" + parts[1]), token)).as(parts[1]).isEqualTo(parts[0]);
                }
            }
        } finally {
            remove(home);
        }
    }

    private static HttpRequest request(URI uri, String token) {
        return HttpRequest.newBuilder(uri).header("Circle-Token", token).GET().build();
    }

    private static JsonNode get(HttpClient http, URI uri, String token) throws Exception {
        HttpResponse<String> response = http.send(request(uri, token), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri + ": " + response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static byte[] bytes(HttpClient http, String url, String token) throws Exception {
        HttpResponse<byte[]> response = http.send(request(URI.create(url), token),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /** The download's sha256, streamed: the 500 MiB never sit in memory or on disk here. */
    private static String sha256(HttpClient http, String url, String token) throws Exception {
        HttpResponse<InputStream> response = http.send(request(URI.create(url), token),
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
}
