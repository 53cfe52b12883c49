package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.RunnerClient;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob uploads read their bodies as they come, for as long as a slow network takes: more of them at once than the
 * server has request threads must not leave claims, heartbeats and the API unanswered (a heartbeat that cannot get
 * through lets a running task's lease lapse).
 */
class StalledTransfersTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              upload:
                machine: true
                resource_class: acme/linux
                steps: [{run: "true"}]
            workflows:
              main:
                jobs: [upload]
            """;
    private static final int STALLED = 120;

    @TempDir
    Path temp;

    @Test
    void manyStalledBlobUploadsLeaveTheRestOfTheServerAnswering() throws Exception {
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            RunnerClient runner = server.runner(server.resourceClassToken());
            Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
            HttpResponse<String> created = server.send("POST", "/api/v3/projects", admin,
                    "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"repo\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String slug = Json.mapper().readTree(created.body()).get("slug").asText();
            assertThat(server.send("POST", "/api/v2/project/" + slug + "/pipeline", admin, "{\"branch\": \"main\"}")
                    .statusCode()).isEqualTo(201);
            Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(claim).isPresent();
            String task = claim.get().taskId();

            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket socket = new Socket("127.0.0.1", server.server.port());
                    OutputStream out = socket.getOutputStream();
                    // a chunked upload whose first kilobyte came and whose rest is slow to come
                    out.write(("POST /api/v3/runner/tasks/" + task + "/blob-streams/upload-" + i
                            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + claim.get().taskToken()
                            + "\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[1024]);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(socket);
                }
                // the task's heartbeat and an admin's call are answered beside them
                runner.forTask(claim.get()).heartbeat();
                HttpResponse<String> answer = server.http.sendAsync(HttpRequest.newBuilder(URI.create(
                        server.server.uri() + "/api/v3/runner/resource?namespace=acme"))
                        .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(20)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).get(25, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("acme/linux");
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }
}
