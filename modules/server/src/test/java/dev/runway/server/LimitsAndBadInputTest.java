package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimitsAndBadInputTest {
    @TempDir
    Path data;
    TestServer server;
    String admin;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(data);
        admin = server.server.adminToken();
        server.resourceClassToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).get("message").asText();
    }

    @Test
    void malformedJsonAndUnknownFieldsAreNamed() throws Exception {
        HttpResponse<String> malformed = server.send("POST", "/api/v3/namespaces", admin, "{\"name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(message(malformed)).startsWith("malformed JSON");
        HttpResponse<String> unknown = server.send("POST", "/api/v3/namespaces", admin,
                "{\"name\":\"x\",\"org_id\":\"o\",\"colour\":\"red\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(message(unknown)).isEqualTo("unknown field \"colour\"");
        HttpResponse<String> nested = server.send("POST", JobsApi.JOBS, admin,
                "{\"resource_class\":\"acme/linux\",\"steps\":[\"checkout\"],\"checkout\":{\"repo\":\"x\"}}");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(message(nested)).isEqualTo("unknown field \"checkout.repo\"");
        HttpResponse<String> missing = server.send("POST", ApiPaths.CLAIM, server.resourceClassToken(),
                "{\"name\":\"r1\",\"wait_seconds\":0}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(message(missing)).isEqualTo("free_slots: is required");
        HttpResponse<String> empty = server.send("POST", "/api/v3/namespaces", admin, null);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(message(empty)).contains("JSON body is required");
    }

    @Test
    void wrongShapesNameTheFieldAndTheExpectedShapeNeverJavaTypes() throws Exception {
        String[][] cases = {
            {JobsApi.JOBS, "{\"resource_class\":\"acme/linux\",\"steps\":{\"run\":\"x\"}}", "steps: expected a list"},
            {JobsApi.JOBS, "{\"resource_class\":[1],\"steps\":[]}", "resource_class: expected a string"},
            {JobsApi.JOBS, "{\"resource_class\":\"acme/linux\",\"steps\":[],\"environment\":[1]}",
                "environment: expected an object"},
            {JobsApi.JOBS, "{\"resource_class\":\"acme/linux\",\"steps\":[],\"checkout\":\"x\"}",
                "checkout: expected an object"},
            {ApiPaths.CLAIM, "{\"name\":\"r1\",\"free_slots\":\"many\"}", "free_slots: expected a number"},
            {ApiPaths.CLAIM, "{\"name\":\"r1\",\"free_slots\":{}}", "free_slots: expected a number"},
            {"/api/v3/namespaces", "[]", "expected an object"},
        };
        for (String[] c : cases) {
            String token = c[0].equals(ApiPaths.CLAIM) ? server.resourceClassToken() : admin;
            HttpResponse<String> answer = server.send("POST", c[0], token, c[1]);
            assertThat(answer.statusCode()).as(c[1]).isEqualTo(400);
            assertThat(message(answer)).as(c[1]).startsWith(c[2])
                    .doesNotContain("java.").doesNotContain("dev.runway").doesNotContain("`")
                    .doesNotContain("JsonNode").doesNotContain("Cannot deserialize");
        }
    }

    @Test
    void jobDefinitionErrorsNameTheStepAndField() throws Exception {
        HttpResponse<String> badTimeout = server.send("POST", JobsApi.JOBS, admin, "{\"resource_class\":"
                + "\"acme/linux\",\"steps\":[{\"run\":\"true\"},{\"run\":{\"command\":\"x\","
                + "\"no_output_timeout\":\"ten\"}}]}");
        assertThat(badTimeout.statusCode()).isEqualTo(400);
        assertThat(message(badTimeout)).startsWith("steps[1].run.no_output_timeout: invalid duration \"ten\"");
        HttpResponse<String> noClass = server.send("POST", JobsApi.JOBS, admin,
                "{\"resource_class\":\"acme/none\",\"steps\":[{\"run\":\"true\"}]}");
        assertThat(noClass.statusCode()).isEqualTo(404);
        assertThat(message(noClass)).contains("acme/none");
    }

    @Test
    void oversizedBodiesAndChunksAre413() throws Exception {
        String big = "{\"name\":\"" + "a".repeat(1024 * 1024 + 10) + "\",\"org_id\":\"o\"}";
        assertThat(server.send("POST", "/api/v3/namespaces", admin, big).statusCode()).isEqualTo(413);

        server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "big", "true"));
        ClaimResponse claim = server.runner(server.resourceClassToken()).claim(TestServer.claimRequest("r", 0))
                .orElseThrow();
        HttpRequest chunk = HttpRequest.newBuilder(URI.create(server.server.uri()
                + ApiPaths.stepOutput(claim.taskId(), 0) + "?offset=0&at=1"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + claim.taskToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4 * 1024 * 1024 + 1])).build();
        HttpResponse<String> tooBig = server.http.send(chunk, HttpResponse.BodyHandlers.ofString());
        assertThat(tooBig.statusCode()).isEqualTo(413);
        HttpRequest noOffset = HttpRequest.newBuilder(URI.create(server.server.uri()
                + ApiPaths.stepOutput(claim.taskId(), 0)))
                .header("Authorization", "Bearer " + claim.taskToken())
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build();
        HttpResponse<String> missing = server.http.send(noOffset, HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(message(missing)).contains("offset");
    }

    @Test
    void unknownPathsAndMethodsAreAnsweredInJson() throws Exception {
        HttpResponse<String> unknown = server.send("GET", "/api/v3/nothing", admin, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(message(unknown)).contains("/api/v3/nothing");
        HttpResponse<String> method = server.send("PUT", "/api/v3/namespaces", admin, "{}");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(message(method)).contains("POST");
    }
}
