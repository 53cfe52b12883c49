package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi;
import dev.runway.protocol.ManagementApi;
import dev.runway.server.store.ApiToken;
import dev.runway.server.store.Store;
import dev.runway.server.store.h2.H2Store;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An autoscaler needs to read queue depth, not to own the server: a read-scope API token reads (queue depth, lists,
 * job status) and changes nothing (403); a namespace's token sees only that namespace; tokens are listed, revoked at
 * once, and kept only as hashes.
 */
class ScopedTokensTest {
    @TempDir
    Path data;

    @Test
    void aReadTokenReadsQueueDepthAndListsAndChangesNothing() throws Exception {
        String secret;
        String jobId;
        try (TestServer server = new TestServer(data)) {
            server.resourceClassToken();
            jobId = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "queued",
                    "true")).id();
            HttpResponse<String> created = server.send("POST", ManagementApi.API_TOKENS, server.server.adminToken(),
                    "{\"nickname\":\"keda\",\"scope\":\"read\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            secret = dev.runway.protocol.Json.mapper().readTree(created.body()).get("token").asText();

            HttpResponse<String> depth = server.send("GET", ManagementApi.UNCLAIMED_TASKS
                    + "?resource-class=acme/linux", secret, null);
            assertThat(depth.statusCode()).as(depth.body()).isEqualTo(200);
            assertThat(depth.body()).contains("\"unclaimed_task_count\":1");
            assertThat(server.send("GET", ManagementApi.RUNNING_TASKS + "?resource-class=acme/linux", secret, null)
                    .statusCode()).isEqualTo(200);
            assertThat(server.send("GET", ManagementApi.RESOURCE_CLASSES + "?namespace=acme", secret, null)
                    .statusCode()).isEqualTo(200);
            assertThat(server.send("GET", JobsApi.JOBS, secret, null).statusCode()).isEqualTo(200);
            assertThat(server.send("GET", JobsApi.job(jobId), secret, null).statusCode()).isEqualTo(200);
            // the dashboard signed in with a read token reads projects and pipelines
            assertThat(server.send("GET", dev.runway.protocol.PipelinesApi.PROJECTS, secret, null).statusCode())
                    .isEqualTo(200);
            assertThat(server.send("GET", "/api/v2/pipeline/" + java.util.UUID.randomUUID(), secret, null)
                    .statusCode()).as("read, and not found").isEqualTo(404);

            String submission = dev.runway.protocol.Json.writeString(JobsApi.JobSubmission.ofCommands(
                    TestServer.RESOURCE_CLASS, "sneaky", "true"));
            for (String[] change : new String[][] {
                {"POST", JobsApi.JOBS, submission},
                {"POST", JobsApi.JOBS + "/" + jobId + "/cancel", null},
                {"POST", ManagementApi.RESOURCE_CLASSES, "{\"resource_class\":\"acme/other\",\"description\":\"\"}"},
                {"POST", ManagementApi.TOKENS, "{\"resource_class\":\"acme/linux\",\"nickname\":\"x\"}"},
                {"POST", ManagementApi.NAMESPACES, "{\"name\":\"evil\",\"org_id\":\"o\"}"},
                {"POST", ManagementApi.API_TOKENS, "{\"nickname\":\"more\",\"scope\":\"admin\"}"},
                {"GET", ManagementApi.API_TOKENS, null},
                {"POST", dev.runway.protocol.PipelinesApi.PROJECTS, "{\"namespace\":\"acme\",\"repository\":\"x\"}"},
                {"POST", "/api/v2/workflow/" + java.util.UUID.randomUUID() + "/cancel", null}}) {
                HttpResponse<String> refused = server.send(change[0], change[1], secret, change[2]);
                assertThat(refused.statusCode()).as(change[0] + " " + change[1] + ": " + refused.body())
                        .isEqualTo(403);
            }
            assertThat(server.admin.jobStatus(jobId).state()).isEqualTo(JobsApi.JobState.QUEUED);
            assertThat(server.admin.listApiTokens().items()).extracting(ManagementApi.ApiToken::nickname,
                    ManagementApi.ApiToken::scope).containsExactly(org.assertj.core.groups.Tuple.tuple("keda",
                            "read"));
        }
        try (Store store = H2Store.open(data)) {
            assertThat(store.management().apiTokens()).extracting(ApiToken::hash)
                    .containsExactly(Tokens.hash(secret));
        }
        assertThat(DataAtRestTest.everyFileHolding(data, secret)).as("the secret at rest").isEmpty();
    }

    @Test
    void aNamespaceTokenStaysInItsNamespaceAndARevokedTokenStopsAtOnce() throws Exception {
        try (TestServer server = new TestServer(data)) {
            server.resourceClassToken();
            server.admin.createNamespace("other", "github/other");
            server.admin.createResourceClass("other/linux", "");
            ManagementApi.ApiTokenCreated acme = server.admin.createApiToken("acme admin", "admin", "acme");
            assertThat(acme.toString()).doesNotContain(acme.token());
            String submission = dev.runway.protocol.Json.writeString(JobsApi.JobSubmission.ofCommands(
                    TestServer.RESOURCE_CLASS, "ok", "true"));
            assertThat(server.send("POST", JobsApi.JOBS, acme.token(), submission).statusCode()).isEqualTo(201);
            String elsewhere = dev.runway.protocol.Json.writeString(JobsApi.JobSubmission.ofCommands("other/linux",
                    "not ok", "true"));
            assertThat(server.send("POST", JobsApi.JOBS, acme.token(), elsewhere).statusCode()).isEqualTo(403);
            assertThat(server.send("GET", ManagementApi.UNCLAIMED_TASKS + "?resource-class=other/linux",
                    acme.token(), null).statusCode()).isEqualTo(403);
            assertThat(server.send("GET", JobsApi.JOBS, acme.token(), null).statusCode())
                    .as("all namespaces' jobs").isEqualTo(403);
            assertThat(server.send("GET", JobsApi.JOBS + "?resource-class=acme/linux", acme.token(), null)
                    .statusCode()).isEqualTo(200);

            server.admin.revokeApiToken(acme.id());
            assertThat(server.send("GET", ManagementApi.UNCLAIMED_TASKS + "?resource-class=acme/linux",
                    acme.token(), null).statusCode()).isEqualTo(401);
            HttpResponse<String> bad = server.send("POST", ManagementApi.API_TOKENS, server.server.adminToken(),
                    "{\"nickname\":\"x\",\"scope\":\"write\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("scope");
        }
    }
}
