package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.BlobsApi;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskJob;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob routes through the real server with real task tokens: two projects' jobs, each seeing only its own
 * project's caches and blobs; uploads resumed at the server's offset; a wrong sha256 refused; a workspace made of the
 * required jobs' layers; artifacts in API v2's shape; the sweeper.
 */
class BlobRoutesTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              step:
                machine: true
                resource_class: acme/linux
                steps: [{run: "true"}]
            workflows:
              main:
                jobs:
                  - step: {name: first}
                  - step: {name: second, requires: [first]}
                  - step: {name: third, requires: [second]}
                  - step: {name: unrelated}
            """;

    @TempDir
    Path temp;

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Creates the project and triggers its pipeline; answers the slug and the pipeline's id. */
    private String[] project(TestServer server, String admin, String name) throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve(name)), CONFIG);
        HttpResponse<String> created = server.send("POST", "/api/v3/projects", admin,
                "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String slug = Json.mapper().readTree(created.body()).get("slug").asText();
        HttpResponse<String> trigger = server.send("POST", "/api/v2/project/" + slug + "/pipeline", admin,
                "{\"branch\": \"main\"}");
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
        return new String[] {slug, Json.mapper().readTree(trigger.body()).get("id").asText()};
    }

    /** Claims until a task of job {@code name} of {@code slug}'s project comes (others are held, not finished). */
    private static ClaimResponse claim(RunnerClient runner, Map<String, ClaimResponse> held, String key)
            throws Exception {
        while (!held.containsKey(key)) {
            Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(claim).as("a task for " + key).isPresent();
            TaskJob job = runner.forTask(claim.get()).job();
            held.put(job.environment().get("CIRCLE_PROJECT_REPONAME") + "/" + job.jobName(), claim.get());
        }
        return held.get(key);
    }

    @Test
    void tasksSeeOnlyTheirProjectsBlobsAndTheirWorkflowsLayers() throws Exception {
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            RunnerClient runner = server.runner(server.resourceClassToken());
            String[] alpha = project(server, admin, "alpha");
            project(server, admin, "beta");
            Map<String, ClaimResponse> held = new HashMap<>();
            ClaimResponse alphaClaim = claim(runner, held, "alpha/first");
            TaskClient alphaFirst = runner.forTask(alphaClaim);
            TaskClient betaFirst = runner.forTask(claim(runner, held, "beta/first"));

            byte[] data = new byte[3_000_000];
            new Random(1).nextBytes(data);
            String sha = sha256(data);
            Path file = Files.write(temp.resolve("blob"), data);

            // a first piece, as a cut connection leaves it; the client resumes at the server's offset
            HttpResponse<String> piece = server.http.send(HttpRequest.newBuilder(URI.create(server.server.uri()
                    + "/api/v3/runner/tasks/" + alphaFirst.taskId() + "/blobs/" + sha + "/upload?offset=0&size="
                    + data.length)).header("Authorization", "Bearer " + alphaClaim.taskToken())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(data, 0, 1_000_000)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Json.mapper().readTree(piece.body()).get("next_offset").asLong()).isEqualTo(1_000_000);
            assertThat(alphaFirst.uploadBlob(file, sha, data.length)).isTrue();
            assertThat(alphaFirst.uploadBlob(file, sha, data.length)).as("stored: nothing to send").isFalse();

            // a wrong checksum is refused and stores nothing
            Path other = Files.write(temp.resolve("other"), new byte[] {1, 2, 3});
            String wrong = sha256(new byte[] {3, 2, 1});
            assertThatThrownBy(() -> alphaFirst.uploadBlob(other, wrong, 3)).isInstanceOfSatisfying(
                    ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.getMessage()).contains("not " + wrong);
                    });

            // caches: saved once, prefix match, never overwritten, per project
            assertThat(alphaFirst.saveCache(new BlobsApi.CacheSave("deps-v1-abc", sha, data.length)).saved())
                    .isTrue();
            assertThat(alphaFirst.saveCache(new BlobsApi.CacheSave("deps-v1-abc", sha, data.length)).saved())
                    .isFalse();
            assertThat(alphaFirst.findCache(List.of("nothing-", "deps-v1-")).key()).isEqualTo("deps-v1-abc");
            assertThat(betaFirst.findCache(List.of("deps-v1-"))).as("another project's cache").isNull();
            assertThatThrownBy(() -> betaFirst.downloadBlob(sha, temp.resolve("stolen")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
            // knowing the sha256 is not enough: another project registers it only after sending the bytes
            assertThatThrownBy(() -> betaFirst.saveCache(new BlobsApi.CacheSave("deps-v1-abc", sha, data.length)))
                    .hasMessageContaining("is not stored");
            assertThat(betaFirst.uploadBlob(file, sha, data.length)).as("beta has to send the bytes").isTrue();
            assertThat(betaFirst.saveCache(new BlobsApi.CacheSave("deps-v1-abc", sha, data.length)).saved())
                    .as("a key of its own project").isTrue();
            assertThatThrownBy(() -> betaFirst.saveCache(new BlobsApi.CacheSave("x", wrong, 3)))
                    .hasMessageContaining("is not stored");

            // a workspace layer of first, seen by third (through second), not by unrelated
            alphaFirst.addWorkspaceLayer(new BlobsApi.BlobRef(sha, data.length));
            alphaFirst.addArtifacts(new BlobsApi.ArtifactUploads(List.of(new BlobsApi.ArtifactUpload(
                    "reports/blob.bin", sha, data.length))));
            assertThatThrownBy(() -> alphaFirst.addArtifacts(new BlobsApi.ArtifactUploads(List.of(
                    new BlobsApi.ArtifactUpload("../escape", sha, data.length))))).hasMessageContaining("../escape");
            finish(alphaFirst);
            TaskClient unrelated = runner.forTask(claim(runner, held, "alpha/unrelated"));
            assertThat(unrelated.workspaceLayers().layers()).isEmpty();
            finish(runner.forTask(claim(runner, held, "alpha/second")));
            TaskClient third = runner.forTask(claim(runner, held, "alpha/third"));
            List<BlobsApi.WorkspaceLayer> layers = third.workspaceLayers().layers();
            assertThat(layers).containsExactly(new BlobsApi.WorkspaceLayer("first", sha, data.length));
            Path copy = temp.resolve("copy");
            assertThat(third.downloadBlob(sha, copy)).isEqualTo(data.length);
            assertThat(Files.readAllBytes(copy)).isEqualTo(data);

            // the artifact through API v2
            String workflowId = PipelineFlowTest.workflows(server, admin, alpha[1]).get("main").get("id").asText();
            long number = PipelineFlowTest.jobs(server, admin, workflowId).get("first").get("job_number").asLong();
            JsonNode list = Json.mapper().readTree(server.send("GET", "/api/v2/project/" + alpha[0] + "/" + number
                    + "/artifacts", admin, null).body());
            assertThat(list.get("items")).hasSize(1);
            assertThat(list.get("items").get(0).get("path").asText()).isEqualTo("reports/blob.bin");
            HttpResponse<byte[]> download = server.http.send(HttpRequest.newBuilder(URI.create(
                    list.get("items").get(0).get("url").asText())).header("Circle-Token", admin).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(data);
            assertThat(server.send("GET", "/api/v2/project/" + alpha[0] + "/" + number + "/artifacts", null, null)
                    .statusCode()).isEqualTo(401);

            // the sweeper keeps what is referred to
            JsonNode swept = Json.mapper().readTree(server.send("POST", "/api/v3/blobs/gc", admin, null).body());
            assertThat(swept.get("blobs").asInt()).isZero();
            assertThat(third.downloadBlob(sha, copy)).isEqualTo(data.length);
        }
    }

    @Test
    void streamedUploadsAreStoredUnderTheServersHashAndCheckedByTheUploader() throws Exception {
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            RunnerClient runner = server.runner(server.resourceClassToken());
            project(server, admin, "alpha");
            project(server, admin, "beta");
            Map<String, ClaimResponse> held = new HashMap<>();
            ClaimResponse alphaClaim = claim(runner, held, "alpha/first");
            TaskClient alpha = runner.forTask(alphaClaim);
            ClaimResponse betaClaim = claim(runner, held, "beta/first");
            TaskClient beta = runner.forTask(betaClaim);

            byte[] data = new byte[3_000_000];
            new Random(2).nextBytes(data);
            String sha = sha256(data);

            // bytes whose length and hash the uploader learns only as it writes them
            BlobsApi.BlobRef streamed = alpha.uploadStream(out -> {
                for (int at = 0; at < data.length; at += 70_001) {
                    out.write(data, at, Math.min(70_001, data.length - at));
                }
            });
            assertThat(streamed).isEqualTo(new BlobsApi.BlobRef(sha, data.length));
            assertThat(alpha.saveCache(new BlobsApi.CacheSave("streamed", sha, data.length)).saved()).isTrue();
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            assertThat(alpha.readBlob(sha, in -> in.transferTo(back))).isEqualTo(data.length);
            assertThat(back.toByteArray()).isEqualTo(data);
            assertThat(alpha.uploadFile(Files.write(temp.resolve("file"), data))).isEqualTo(streamed);

            // a streamed upload of known size resumes where the server's bytes end; it is the task's own
            String stream = "/api/v3/runner/tasks/" + alpha.taskId() + "/blob-streams/resumed";
            HttpResponse<String> piece = server.http.send(HttpRequest.newBuilder(URI.create(server.server.uri()
                    + stream + "?offset=0&size=" + data.length)).header("Authorization", "Bearer "
                    + alphaClaim.taskToken()).POST(HttpRequest.BodyPublishers.ofByteArray(data, 0, 1_000_000))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Json.mapper().readTree(piece.body()).get("next_offset").asLong()).isEqualTo(1_000_000);
            assertThat(Json.mapper().readTree(piece.body()).path("sha256").isTextual()).as("not stored yet").isFalse();
            HttpResponse<String> otherTask = server.http.send(HttpRequest.newBuilder(URI.create(server.server.uri()
                    + "/api/v3/runner/tasks/" + beta.taskId() + "/blob-streams/resumed")).header("Authorization",
                    "Bearer " + betaClaim.taskToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Json.mapper().readTree(otherTask.body()).get("next_offset").asLong())
                    .as("another task's upload of the same name is its own").isZero();
            HttpResponse<String> wrongToken = server.http.send(HttpRequest.newBuilder(URI.create(server.server.uri()
                    + stream)).header("Authorization", "Bearer " + betaClaim.taskToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongToken.statusCode()).isIn(401, 403);
            HttpResponse<String> rest = server.http.send(HttpRequest.newBuilder(URI.create(server.server.uri()
                    + stream + "?offset=1000000&size=" + data.length)).header("Authorization", "Bearer "
                    + alphaClaim.taskToken()).POST(HttpRequest.BodyPublishers.ofByteArray(data, 1_000_000,
                    data.length - 1_000_000)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Json.mapper().readTree(rest.body()).get("sha256").asText()).isEqualTo(sha);

            // bytes changed on the way up: the server's hash is not the uploader's, so the blob is not answered
            try (CorruptingProxy proxy = CorruptingProxy.start(server.server.uri(),
                    CorruptingProxy.Direction.TO_SERVER, 200_000)) {
                TaskClient corrupted = new TaskClient(new HttpTransport(proxy.uri(), Duration.ofSeconds(30)),
                        alpha.taskId(), alphaClaim.taskToken());
                byte[] other = new byte[1_000_000];
                new Random(3).nextBytes(other);
                String otherSha = sha256(other);
                assertThatThrownBy(() -> corrupted.uploadStream(out -> out.write(other)))
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.retryable()).isFalse();
                            assertThat(e.getMessage()).contains("sha256 " + otherSha, "changed on the way");
                        });
                assertThat(corrupted.uploadStream(out -> out.write(other, 0, 1000)))
                        .as("bytes before the flipped one pass").isEqualTo(new BlobsApi.BlobRef(
                                sha256(java.util.Arrays.copyOf(other, 1000)), 1000));
            }
            // and on the way down: the reader's work is not to be trusted, and the caller is told
            try (CorruptingProxy proxy = CorruptingProxy.start(server.server.uri(),
                    CorruptingProxy.Direction.TO_CLIENT, 200_000)) {
                TaskClient corrupted = new TaskClient(new HttpTransport(proxy.uri(), Duration.ofSeconds(30)),
                        alpha.taskId(), alphaClaim.taskToken());
                assertThatThrownBy(() -> corrupted.readBlob(sha, in -> in.transferTo(OutputStream.nullOutputStream())))
                        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
                                .contains("bytes that came have sha256"));
            }
        }
    }

    private static void finish(TaskClient task) throws Exception {
        task.taskFinished(new dev.runway.protocol.RunnerApi.TaskResult(
                dev.runway.protocol.RunnerApi.TaskStatus.SUCCESS, null));
    }
}
