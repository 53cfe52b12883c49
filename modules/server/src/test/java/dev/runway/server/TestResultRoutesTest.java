package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.SshKey;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.protocol.RunnerApi.TestResults;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test records and project SSH keys through the real server: a task stores records in batches (a resent batch
 * replaces itself), API v2 lists them in CircleCI's shape page by page, the next run's task gets them as timings, and
 * a project's key is listed by its fingerprints only, stored sealed (sealed again after a key rotation), and handed
 * to the project's tasks.
 */
class TestResultRoutesTest {
    static final String CONFIG = """
            version: 2.1
            jobs:
              test:
                machine: true
                resource_class: acme/linux
                parallelism: 2
                steps:
                  - checkout
                  - run: make test
                  - store_test_results: {path: results}
                  - add_ssh_keys: {fingerprints: [FINGERPRINT]}
            workflows:
              main:
                jobs: [test]
            """;

    @TempDir
    Path temp;

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    @Test
    void recordsAreStoredListedAndBecomeTheNextRunsTimings() throws Exception {
        Path key = temp.resolve("key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor()).isZero();
        Process fingerprint = new ProcessBuilder("ssh-keygen", "-l", "-f", key.toString()).start();
        String expected = new String(fingerprint.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];
        Process md5 = new ProcessBuilder("ssh-keygen", "-l", "-E", "md5", "-f", key.toString()).start();
        String expectedMd5 = new String(md5.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];

        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")),
                CONFIG.replace("FINGERPRINT", expectedMd5));
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            server.resourceClassToken();
            String admin = server.server.adminToken();
            assertThat(server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \""
                    + repo + "\", \"name\": \"app\"}").statusCode()).isEqualTo(201);

            HttpResponse<String> added = server.send("POST", "/api/v3/projects/gh%2Facme%2Fapp/ssh-keys", admin,
                    Json.writeString(new dev.runway.protocol.TestsApi.SshKeyAdd(Files.readString(key))));
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(json(added).get("fingerprint").asText()).isEqualTo(expected);
            assertThat(json(added).get("md5_fingerprint").asText()).isEqualTo(expectedMd5.substring(4));
            HttpResponse<String> listed = server.send("GET", "/api/v3/projects/gh%2Facme%2Fapp/ssh-keys", admin,
                    null);
            assertThat(listed.body()).contains(expected).doesNotContain("PRIVATE KEY");
            assertThat(server.send("POST", "/api/v3/projects/gh%2Facme%2Fapp/ssh-keys", admin,
                    "{\"private_key\": \"-----BEGIN RSA PRIVATE KEY-----\\nabc\\n\"}").body())
                    .contains("not an OpenSSH private key");
        }
        // sealed at rest: the key's body is nowhere in the data directory's files
        String body = Files.readString(key).lines().filter(line -> !line.startsWith("-----")).findFirst()
                .orElseThrow();
        assertThat(anyFileContains(temp.resolve("data"), body.substring(0, 40))).isFalse();
        // a rotation: the next start seals the key again with the new key, and the previous key goes
        Path previous = RunwayServer.rotateSecretsKey(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0));
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            assertThat(previous).doesNotExist();
            String rcToken = server.resourceClassToken();
            String admin = server.server.adminToken();
            RunnerClient runner = server.runner(rcToken);

            // run 1: node 0 stores 150 records in two batches (the first resent), node 1 stores one
            trigger(server, admin);
            List<TaskClient> nodes = claimAll(runner, 2);
            TaskJob job = nodes.get(0).job();
            assertThat(job.steps()).extracting(step -> step.type()).containsExactly(StepType.CHECKOUT, StepType.RUN,
                    StepType.STORE_TEST_RESULTS, StepType.ADD_SSH_KEYS);
            assertThat(job.steps().get(2).command()).isEqualTo("results");
            assertThat(nodes.get(0).testTimings().tests()).isEmpty();
            List<TestRecord> records = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                records.add(new TestRecord("t" + i, "pkg.C", "src/f" + i + ".py", i == 7 ? "failure" : "success",
                        i / 10.0, i == 7 ? "boom" : "", "junit.xml"));
            }
            nodes.get(0).storeTestResults(2, 0, new TestResults(records.subList(0, 100)));
            nodes.get(0).storeTestResults(2, 0, new TestResults(records.subList(0, 100)));
            nodes.get(0).storeTestResults(2, 100, new TestResults(records.subList(100, 150)));
            nodes.get(1).storeTestResults(2, 0, new TestResults(List.of(new TestRecord("other", "", "", "skipped", 0,
                    "", "r.xml"))));
            assertThatThrownBy(() -> nodes.get(1).storeTestResults(2, 0, new TestResults(List.of(new TestRecord("x",
                    "", "", "passed", 0, "", "")))))
                    .isInstanceOf(ApiException.class).hasMessageContaining("tests[0].result: must be one of");

            List<SshKey> keys = nodes.get(0).sshKeys(List.of(expectedMd5)).keys();
            assertThat(keys).singleElement().satisfies(k -> {
                assertThat(k.fingerprint()).isEqualTo(expected);
                assertThat(k.privateKey()).isEqualTo(Files.readString(key));
            });
            assertThat(nodes.get(0).sshKeys(List.of("SHA256:none")).keys()).isEmpty();
            for (TaskClient node : nodes) {
                node.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            }

            // API v2: 151 records, 100 a page, node 0's first in report order
            long number = 1;
            HttpResponse<String> page = server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/" + number + "/tests",
                    admin, null);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode first = json(page);
            assertThat(first.get("items")).hasSize(100);
            JsonNode failed = first.get("items").get(7);
            assertThat(failed.get("name").asText()).isEqualTo("t7");
            assertThat(failed.get("result").asText()).isEqualTo("failure");
            assertThat(failed.get("message").asText()).isEqualTo("boom");
            assertThat(failed.get("run_time").asDouble()).isEqualTo(0.7);
            assertThat(failed.get("file").asText()).isEqualTo("src/f7.py");
            assertThat(failed.get("classname").asText()).isEqualTo("pkg.C");
            assertThat(failed.get("source").asText()).isEqualTo("junit.xml");
            JsonNode second = json(server.send("GET", "/api/v2/project/gh/acme/app/" + number + "/tests?page-token="
                    + first.get("next_page_token").asText(), admin, null));
            assertThat(second.get("items")).hasSize(51);
            assertThat(second.get("items").get(50).get("name").asText()).isEqualTo("other");
            assertThat(second.get("next_page_token").isNull()).isTrue();
            assertThat(server.send("GET", "/api/v2/project/gh/acme/app", admin, null).statusCode()).isEqualTo(200);

            // run 2: its tasks get run 1's records as timings
            trigger(server, admin);
            List<TaskClient> next = claimAll(runner, 2);
            assertThat(next.get(1).testTimings().tests()).hasSize(151).first().satisfies(record ->
                    assertThat(record.name()).isEqualTo("t0"));
            for (TaskClient node : next) {
                node.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            }
        }
    }

    private static boolean anyFileContains(Path dir, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (content.contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void trigger(TestServer server, String admin) throws Exception {
        HttpResponse<String> trigger = server.send("POST", "/api/v2/project/gh/acme/app/pipeline", admin,
                "{\"branch\": \"main\"}");
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
    }

    private static List<TaskClient> claimAll(RunnerClient runner, int count) throws Exception {
        List<TaskClient> tasks = new ArrayList<>();
        while (tasks.size() < count) {
            Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(claim).as("task %d of %d", tasks.size() + 1, count).isPresent();
            tasks.add(runner.forTask(claim.get()));
        }
        tasks.sort(java.util.Comparator.comparing(task -> {
            try {
                return task.job().environment().get("CIRCLE_NODE_INDEX");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        return tasks;
    }
}
