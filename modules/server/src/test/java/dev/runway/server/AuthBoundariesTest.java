package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.RunnerClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 401 for no or unknown tokens, 403 for a known token used out of its scope, 404 for unknown ids. */
class AuthBoundariesTest {
    @TempDir
    Path data;
    TestServer server;
    String admin;
    String rcToken;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(data);
        admin = server.server.adminToken();
        rcToken = server.resourceClassToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).get("message").asText();
    }

    @Test
    void managementNeedsTheAdminToken() throws Exception {
        String path = "/api/v3/runner/resource?namespace=acme";
        HttpResponse<String> none = server.send("GET", path, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(message(none)).contains("no token");
        assertThat(server.send("GET", path, "not-a-token", null).statusCode()).isEqualTo(401);
        HttpResponse<String> runner = server.send("GET", path, rcToken, null);
        assertThat(runner.statusCode()).isEqualTo(403);
        assertThat(message(runner)).contains("resource-class token").doesNotContain(rcToken);
        assertThat(server.send("GET", path, admin, null).statusCode()).isEqualTo(200);
        assertThat(server.send("POST", JobsApi.JOBS, rcToken, "{}").statusCode()).isEqualTo(403);
        assertThat(server.send("GET", JobsApi.job("no-such-job"), admin, null).statusCode()).isEqualTo(404);
        assertThat(server.send("DELETE", "/api/v3/runner/resource/no-such-id", admin, null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void claimsNeedAResourceClassTokenAndGetOnlyTheirClass() throws Exception {
        String body = "{\"name\":\"r1\",\"wait_seconds\":0,\"free_slots\":1}";
        assertThat(server.send("POST", ApiPaths.CLAIM, null, body).statusCode()).isEqualTo(401);
        assertThat(server.send("POST", ApiPaths.CLAIM, "f".repeat(64), body).statusCode()).isEqualTo(401);
        assertThat(server.send("POST", ApiPaths.CLAIM, admin, body).statusCode()).isEqualTo(403);

        server.admin.createResourceClass("acme/mac", "other class");
        String macToken = server.admin.createToken("acme/mac", "mac").token();
        JobsApi.JobStatus linuxJob = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(
                TestServer.RESOURCE_CLASS, "linux only", "true"));
        assertThat(server.runner(macToken).claim(TestServer.claimRequest("mac-1", 0))).isEmpty();
        assertThat(server.runner(rcToken).claim(TestServer.claimRequest("linux-1", 0)).orElseThrow().jobId())
                .isEqualTo(linuxJob.id());
    }

    @Test
    void aTaskTokenTouchesOnlyItsTask() throws Exception {
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "a", "true"));
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "b", "true"));
        RunnerClient runner = server.runner(rcToken);
        ClaimResponse a = runner.claim(TestServer.claimRequest("r1", 0)).orElseThrow();
        ClaimResponse b = runner.claim(TestServer.claimRequest("r2", 0)).orElseThrow();
        assertThat(server.send("POST", ApiPaths.heartbeat(a.taskId()), a.taskToken(), null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> other = server.send("POST", ApiPaths.heartbeat(b.taskId()), a.taskToken(), null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(message(other)).contains("another task");
        assertThat(server.send("GET", ApiPaths.taskJob(a.taskId()), rcToken, null).statusCode()).isEqualTo(403);
        assertThat(server.send("GET", ApiPaths.taskJob(a.taskId()), admin, null).statusCode()).isEqualTo(403);
        assertThat(server.send("GET", ApiPaths.taskJob(a.taskId()), "0".repeat(64), null).statusCode())
                .isEqualTo(401);
        assertThat(server.send("GET", ApiPaths.taskJob(a.taskId()), null, null).statusCode()).isEqualTo(401);
        assertThat(server.send("POST", JobsApi.JOBS, a.taskToken(), "{}").statusCode()).isEqualTo(403);
        assertThat(server.send("POST", ApiPaths.CLAIM, a.taskToken(), "{\"name\":\"x\"}").statusCode())
                .isEqualTo(403);
        assertThat(server.send("POST", ApiPaths.stepStart(a.taskId(), 7), a.taskToken(), "{\"name\":\"x\"}")
                .statusCode()).as("no step 7").isEqualTo(404);
    }

    @Test
    void aDeletedTokenStopsAtOnceEvenWhileItsClaimIsHeld() throws Exception {
        String tokenId = server.admin.listTokens(TestServer.RESOURCE_CLASS).items().get(0).id();
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return server.send("POST", ApiPaths.CLAIM, rcToken, "{\"name\":\"r1\",\"wait_seconds\":30,\"free_slots\":1}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RunnerProtocolTest.waitUntil(() -> server.server.waitingClaims() == 1);
        long start = System.nanoTime();
        server.admin.deleteToken(tokenId);
        assertThat(held.get().statusCode()).isEqualTo(401);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the held claim ended").isLessThan(10_000);
        assertThat(server.send("POST", ApiPaths.CLAIM, rcToken, "{\"name\":\"r1\",\"wait_seconds\":0,\"free_slots\":1}").statusCode())
                .isEqualTo(401);
    }
}
