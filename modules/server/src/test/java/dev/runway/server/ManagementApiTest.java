package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management half, as CircleCI's CLI calls it: paths, JSON field names, errors, both token headers. */
class ManagementApiTest {
    @TempDir
    Path data;
    TestServer server;
    String admin;

    @BeforeEach
    void start() {
        server = new TestServer(data);
        admin = server.server.adminToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return server.send(method, path, admin, body);
    }

    /** As CircleCI's CLI sends it: Circle-Token. */
    private HttpResponse<String> circleToken(String method, String path, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.server.uri() + path))
                .timeout(Duration.ofSeconds(10)).header("Circle-Token", admin)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return server.http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    @Test
    void theInstallGuideFlowWorksWithCircleCisShapes() throws Exception {
        HttpResponse<String> namespace = circleToken("POST", "/api/v3/namespaces",
                "{\"name\":\"acme\",\"org_id\":\"github/acme\"}");
        assertThat(namespace.statusCode()).isEqualTo(200);
        assertThat(json(namespace).at("/data/attributes/name").asText()).isEqualTo("acme");
        assertThat(json(namespace).at("/data/id").asText()).isNotBlank();

        HttpResponse<String> rc = circleToken("POST", "/api/v3/runner/resource",
                "{\"resource_class\":\"acme/linux-large\",\"description\":\"big boxes\"}");
        assertThat(rc.statusCode()).isEqualTo(200);
        String rcId = json(rc).get("id").asText();
        assertThat(json(rc).get("resource_class").asText()).isEqualTo("acme/linux-large");
        assertThat(json(rc).get("description").asText()).isEqualTo("big boxes");

        HttpResponse<String> list = call("GET", "/api/v3/runner/resource?namespace=acme", null);
        assertThat(json(list).get("items")).hasSize(1);
        assertThat(json(list).at("/items/0/id").asText()).isEqualTo(rcId);

        HttpResponse<String> token = call("POST", "/api/v3/runner/token",
                "{\"resource_class\":\"acme/linux-large\",\"nickname\":\"box-1\"}");
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode created = json(token);
        assertThat(created.get("token").asText()).matches("[0-9a-f]{64}");
        assertThat(created.get("nickname").asText()).isEqualTo("box-1");
        assertThat(created.get("resource_class").asText()).isEqualTo("acme/linux-large");
        assertThat(created.get("created_at").asText()).endsWith("Z");

        HttpResponse<String> tokens = call("GET", "/api/v3/runner/token?resource-class=acme/linux-large", null);
        assertThat(json(tokens).at("/items/0/id").asText()).isEqualTo(created.get("id").asText());
        assertThat(json(tokens).at("/items/0").has("token")).as("the secret is shown only once").isFalse();
        assertThat(Files.readString(data.resolve("runway.mv.db"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("only the hash is stored").doesNotContain(created.get("token").asText());

        // a runner connects: the inventory shows it
        RunnerClient runner = server.runner(created.get("token").asText());
        assertThat(runner.claim(TestServer.claimRequest("box-1.example", 0))).isEmpty();
        JsonNode runners = json(call("GET", "/api/v3/runner?resource-class=acme/linux-large", null));
        assertThat(runners.at("/items/0/name").asText()).isEqualTo("box-1.example");
        assertThat(runners.at("/items/0/hostname").asText()).isEqualTo("host-box-1.example");
        assertThat(runners.at("/items/0/ip").asText()).isEqualTo("127.0.0.1");
        assertThat(runners.at("/items/0/version").asText()).isEqualTo("0.1.0");
        assertThat(runners.at("/items/0/first_connected").asText()).isNotBlank();
        assertThat(runners.at("/items/0/last_connected").asText()).isNotBlank();
        assertThat(runners.at("/items/0/last_used").isNull()).as("sent, null until its first task").isTrue();
        assertThat(json(call("GET", "/api/v3/runner?namespace=acme", null)).get("items")).hasSize(1);
        assertThat(call("GET", "/api/v3/runner", null).statusCode()).isEqualTo(400);
        assertThat(json(call("GET", "/api/v3/runner?namespace=acme&resource-class=acme/linux-large", null))
                .get("items")).as("both filters: an intersection").hasSize(1);

        // task counts, as autoscalers poll them
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux-large", "one", "true"));
        server.admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux-large", "two", "true"));
        assertThat(json(call("GET", "/api/v3/runner/tasks?resource-class=acme/linux-large", null))
                .get("unclaimed_task_count").asLong()).isEqualTo(2);
        runner.claim(TestServer.claimRequest("box-1.example", 0)).orElseThrow();
        assertThat(json(call("GET", "/api/v3/runner/tasks?resource-class=acme/linux-large", null))
                .get("unclaimed_task_count").asLong()).isEqualTo(1);
        assertThat(json(call("GET", "/api/v3/runner/tasks/running?resource-class=acme/linux-large", null))
                .get("running_runner_tasks").asLong()).isEqualTo(1);
        assertThat(json(call("GET", "/api/v3/runner?resource-class=acme/linux-large", null))
                .at("/items/0/last_used").asText()).isNotBlank();

        // a class with tokens is deleted only by force, which takes its tokens along
        HttpResponse<String> refused = call("DELETE", "/api/v3/runner/resource/" + rcId, null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("message").asText()).contains("token");
        assertThat(call("DELETE", "/api/v3/runner/token/" + created.get("id").asText(), null).statusCode())
                .isEqualTo(200);
        assertThat(call("DELETE", "/api/v3/runner/token/" + created.get("id").asText(), null).statusCode())
                .isEqualTo(404);
        assertThat(call("DELETE", "/api/v3/runner/resource/" + rcId, null).statusCode()).isEqualTo(200);
        assertThat(json(call("GET", "/api/v3/runner/resource?namespace=acme", null)).get("items")).isEmpty();
    }

    @Test
    void forceDeleteRemovesTokensAndEndsQueuedJobs() throws Exception {
        String token = server.resourceClassToken();
        String rcId = server.admin.listResourceClasses("acme").items().get(0).id();
        JobsApi.JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS,
                "orphan", "true"));
        assertThat(call("DELETE", "/api/v3/runner/resource/" + rcId + "/force", null).statusCode()).isEqualTo(200);
        assertThat(server.admin.jobStatus(job.id()).state()).isEqualTo(JobsApi.JobState.FAILED);
        assertThat(server.admin.jobStatus(job.id()).reason()).contains("resource class was deleted");
        assertThat(server.send("POST", "/api/v3/runner/claim", token, "{\"name\":\"r\",\"wait_seconds\":0,\"free_slots\":1}")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void namingRulesAreTheFactsFileRules() throws Exception {
        List<String> badNamespaces = List.of("Acme", "ac me", "acme!", "", "a/b");
        for (String name : badNamespaces) {
            HttpResponse<String> response = call("POST", "/api/v3/namespaces",
                    "{\"name\":\"" + name + "\",\"org_id\":\"o-" + name.hashCode() + "\"}");
            assertThat(response.statusCode()).as(name).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(name).startsWith("name");
        }
        assertThat(call("POST", "/api/v3/namespaces", "{\"name\":\"my_org-2\",\"org_id\":\"o1\"}").statusCode())
                .isEqualTo(200);
        HttpResponse<String> second = call("POST", "/api/v3/namespaces", "{\"name\":\"other\",\"org_id\":\"o1\"}");
        assertThat(second.statusCode()).as("one namespace per organization").isEqualTo(409);
        assertThat(call("POST", "/api/v3/namespaces", "{\"name\":\"my_org-2\",\"org_id\":\"o2\"}").statusCode())
                .isEqualTo(409);

        List<String> goodClasses = List.of("my_org-2/linux", "my_org-2/a:b_c-d+e", "my_org-2/UPPER9");
        for (String rc : goodClasses) {
            assertThat(call("POST", "/api/v3/runner/resource", "{\"resource_class\":\"" + rc
                    + "\",\"description\":\"\"}").statusCode()).as(rc).isEqualTo(200);
        }
        List<String> badClasses = new ArrayList<>(List.of("linux", "my_org-2/", "my_org-2/a b", "my_org-2/a.b",
                "my_org-2/a/b", "My_Org/linux"));
        for (String rc : badClasses) {
            HttpResponse<String> response = call("POST", "/api/v3/runner/resource", "{\"resource_class\":\"" + rc
                    + "\",\"description\":\"\"}");
            assertThat(response.statusCode()).as(rc).isEqualTo(400);
            assertThat(json(response).get("message").asText()).as(rc).startsWith("resource_class");
        }
        HttpResponse<String> noNamespace = call("POST", "/api/v3/runner/resource",
                "{\"resource_class\":\"nobody/linux\",\"description\":\"\"}");
        assertThat(noNamespace.statusCode()).isEqualTo(404);
        assertThat(json(noNamespace).get("message").asText()).contains("namespace \"nobody\" does not exist");
        assertThat(call("POST", "/api/v3/runner/resource", "{\"resource_class\":\"my_org-2/linux\","
                + "\"description\":\"\"}").statusCode()).as("duplicate").isEqualTo(409);

        String token = server.admin.createToken("my_org-2/linux", "t").token();
        HttpResponse<String> badRunner = server.send("POST", "/api/v3/runner/claim", token,
                "{\"name\":\"my_org-2/linux\",\"wait_seconds\":0,\"free_slots\":1}");
        assertThat(badRunner.statusCode()).isEqualTo(400);
        assertThat(json(badRunner).get("message").asText()).contains("looks like a resource class");
    }

    @Test
    void theAdminTokenIsMadeOnceAndKeptOwnerOnly() throws Exception {
        Path file = data.resolve("admin-token");
        assertThat(Files.readString(file).strip()).isEqualTo(admin);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        server.close();
        server = new TestServer(data);
        assertThat(server.server.adminToken()).isEqualTo(admin);
    }
}
