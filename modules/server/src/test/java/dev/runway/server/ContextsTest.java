package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contexts and project variables through CircleCI API v2's routes on the real server: values go in and are never
 * answered back (context variables by name, project variables masked), and a workflow job gets the project's
 * variables and those of the contexts it names as secrets (the task agent masks secrets in output).
 */
class ContextsTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              build:
                machine: true
                resource_class: acme/linux
                environment: {SHARED: from-config}
                steps: [{run: echo hi}]
            workflows:
              main:
                jobs:
                  - build: {name: plain}
                  - build: {name: deploy, context: [deploy-keys]}
                  - build: {name: missing, context: nope}
            """;
    private static final String DEPLOY_KEY = "deploy-key-VALUE-9876";
    private static final String PROJECT_TOKEN = "project-token-VALUE-1234";

    @TempDir
    Path temp;

    @Test
    void valuesAreWriteOnlyAndBecomeTheJobsSecrets() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String rcToken = server.resourceClassToken();
            String admin = server.server.adminToken();
            assertThat(server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \""
                    + repo + "\", \"name\": \"app\"}").statusCode()).isEqualTo(201);

            HttpResponse<String> created = server.send("POST", "/api/v2/context", admin,
                    "{\"name\": \"deploy-keys\", \"owner\": {\"id\": \"org-1\", \"type\": \"organization\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String contextId = Json.mapper().readTree(created.body()).get("id").asText();
            assertThat(server.send("POST", "/api/v2/context", admin, "{\"name\": \"deploy-keys\"}").statusCode())
                    .isEqualTo(409);
            HttpResponse<String> set = server.send("PUT", "/api/v2/context/" + contextId
                    + "/environment-variable/DEPLOY_KEY", admin, "{\"value\": \"" + DEPLOY_KEY + "\"}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(server.send("PUT", "/api/v2/context/" + contextId + "/environment-variable/SHARED", admin,
                    "{\"value\": \"from-context\"}").statusCode()).isEqualTo(200);
            assertThat(server.send("PUT", "/api/v2/context/" + contextId + "/environment-variable/1BAD", admin,
                    "{\"value\": \"x\"}").statusCode()).isEqualTo(400);
            HttpResponse<String> listed = server.send("GET", "/api/v2/context/" + contextId
                    + "/environment-variable", admin, null);
            assertThat(listed.body()).contains("\"variable\":\"DEPLOY_KEY\"").contains("\"next_page_token\":null")
                    .doesNotContain(DEPLOY_KEY);

            HttpResponse<String> projectVar = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/envvar", admin,
                    "{\"name\": \"PROJECT_TOKEN\", \"value\": \"" + PROJECT_TOKEN + "\"}");
            assertThat(projectVar.statusCode()).as(projectVar.body()).isEqualTo(201);
            assertThat(Json.mapper().readTree(projectVar.body()).get("value").asText()).isEqualTo("xxxx1234");
            HttpResponse<String> one = server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/envvar/PROJECT_TOKEN",
                    admin, null);
            assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
            assertThat(one.body()).contains("xxxx1234").doesNotContain(PROJECT_TOKEN);
            assertThat(server.send("GET", "/api/v2/project/gh/acme/app/envvar", admin, null).body())
                    .contains("PROJECT_TOKEN").doesNotContain(PROJECT_TOKEN);
            assertThat(server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/envvar", null, null).statusCode())
                    .isEqualTo(401);

            HttpResponse<String> trigger = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin,
                    "{\"branch\": \"main\"}");
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
            String pipelineId = Json.mapper().readTree(trigger.body()).get("id").asText();
            Map<String, TaskJob> jobs = new HashMap<>();
            RunnerClient runner = server.runner(rcToken);
            while (jobs.size() < 2) {
                Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
                assertThat(claim).as("claims so far: %s", jobs.keySet()).isPresent();
                TaskClient task = runner.forTask(claim.get());
                TaskJob job = task.job();
                jobs.put(job.jobName(), job);
                task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            }
            TaskJob deploy = jobs.get("deploy");
            assertThat(deploy.environment()).containsEntry("DEPLOY_KEY", DEPLOY_KEY)
                    .containsEntry("PROJECT_TOKEN", PROJECT_TOKEN).containsEntry("SHARED", "from-config");
            assertThat(deploy.secretNames()).containsExactlyInAnyOrder("DEPLOY_KEY", "PROJECT_TOKEN");
            TaskJob plain = jobs.get("plain");
            assertThat(plain.environment()).containsEntry("PROJECT_TOKEN", PROJECT_TOKEN).doesNotContainKey(
                    "DEPLOY_KEY");
            assertThat(plain.secretNames()).containsExactly("PROJECT_TOKEN");

            String workflowId = PipelineFlowTest.workflows(server, admin, pipelineId).get("main").get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> PipelineFlowTest.jobs(server, admin, workflowId)
                    .get("missing").get("status").asText().equals("failed"));

            assertThat(server.send("DELETE", "/api/v2/context/" + contextId + "/environment-variable/DEPLOY_KEY",
                    admin, null).statusCode()).isEqualTo(200);
            assertThat(server.send("DELETE", "/api/v2/context/" + contextId, admin, null).statusCode())
                    .isEqualTo(200);
            assertThat(server.send("GET", "/api/v2/context/" + contextId, admin, null).statusCode()).isEqualTo(404);
            assertThat(server.send("DELETE", "/api/v2/project/gh%2Facme%2Fapp/envvar/PROJECT_TOKEN", admin, null)
                    .statusCode()).isEqualTo(200);
            JsonNode none = Json.mapper().readTree(server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/envvar",
                    admin, null).body());
            assertThat(none.get("items")).isEmpty();
        }
    }
}
