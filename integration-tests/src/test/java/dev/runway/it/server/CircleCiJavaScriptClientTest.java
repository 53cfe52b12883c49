package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.it.support.GitRepositories;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * circle-client, a JavaScript client of CircleCI's API v2 published on npm (installed, pinned, by this module's
 * build into target/npm), run by node against a real server with only its base URL and token changed: trigger,
 * list and read pipelines (and their config), workflows and jobs, the project, the user, approve, rerun from failed
 * and cancel.
 */
class CircleCiJavaScriptClientTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              step:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo hi}]
            workflows:
              release:
                jobs:
                  - step: {name: build}
                  - hold: {type: approval, requires: [build]}
                  - step: {name: deploy, requires: [hold]}
            """;

    @TempDir
    Path temp;

    @Test
    void circleClientDrivesAPipelineThroughRunwaysApiV2() throws Exception {
        Path npm = Path.of(System.getProperty("runway.npm", "target/npm"));
        if (!Files.exists(npm.resolve("node_modules/circle-client/package.json"))) {
            Assumptions.assumeTrue(onPath("npm"), "npm is absent: circle-client could not be installed by the build");
            throw new AssertionError("npm is there but circle-client is not installed in " + npm
                    + " (the build's install-api-v2-javascript-client step)");
        }
        Assumptions.assumeTrue(onPath("node"), "node is absent: circle-client cannot run");
        Path repo = repository(Files.createDirectories(temp.resolve("repo")));
        try (RunwayServer server = RunwayServer.start(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0))) {
            String admin = server.adminToken();
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(10));
            ManagementClient management = new ManagementClient(transport, admin);
            management.createNamespace("acme", "github/acme");
            management.createResourceClass("acme/linux", "test machines");
            RunnerClient runner = new RunnerClient(transport, management.createToken("acme/linux", "t").token());
            HttpResponse<String> project = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.uri() + "/api/v3/projects")).header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"app\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
            Node node = new Node(npm, server.uri(), admin, "gh/acme/app");

            JsonNode triggered = node.call("trigger", "main");
            assertThat(triggered.get("number").asLong()).isEqualTo(1);
            assertThat(triggered.has("state")).isTrue();
            assertThat(triggered.has("created_at")).isTrue();
            String pipelineId = triggered.get("id").asText();
            assertThat(finishNext(runner, TaskStatus.SUCCESS)).isEqualTo("build");

            JsonNode pipelines = node.call("pipelines");
            assertThat(pipelines.get("items")).hasSize(1);
            assertThat(pipelines.has("next_page_token")).isTrue();
            assertThat(node.call("pipeline", pipelineId).get("vcs").get("branch").asText()).isEqualTo("main");
            assertThat(node.call("pipelineByNumber", "1").get("id").asText()).isEqualTo(pipelineId);
            assertThat(node.call("mine").get("items")).hasSize(1);
            assertThat(node.call("config", pipelineId).get("source").asText()).contains("approval");
            assertThat(node.call("project").get("slug").asText()).isEqualTo("gh/acme/app");
            assertThat(node.call("me").has("login")).isTrue();
            String workflowId = node.call("workflows", pipelineId).get("items").get(0).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> node.call("workflow", workflowId).get("status")
                    .asText().equals("on_hold"));
            Map<String, JsonNode> jobs = byName(node.call("jobs", workflowId));
            assertThat(jobs.get("build").get("status").asText()).isEqualTo("success");
            assertThat(jobs.get("hold").get("type").asText()).isEqualTo("approval");
            JsonNode build = node.call("job", jobs.get("build").get("job_number").asText());
            assertThat(build.get("name").asText()).isEqualTo("build");
            assertThat(build.get("status").asText()).isEqualTo("success");

            // approve: deploy runs and fails; rerun from failed: deploy again; cancel that run
            node.call("approve", workflowId, jobs.get("hold").get("approval_request_id").asText());
            assertThat(finishNext(runner, TaskStatus.FAILED)).isEqualTo("deploy");
            await().atMost(Duration.ofSeconds(20)).until(() -> node.call("workflow", workflowId).get("status")
                    .asText().equals("failed"));
            node.call("rerunFromFailed", workflowId);
            JsonNode workflows = node.call("workflows", pipelineId).get("items");
            assertThat(workflows).hasSize(2);
            String rerunId = null;
            for (JsonNode workflow : workflows) {
                if (!workflow.get("id").asText().equals(workflowId)) {
                    rerunId = workflow.get("id").asText();
                }
            }
            String rerun = rerunId;
            assertThat(byName(node.call("jobs", rerun)).get("build").get("status").asText())
                    .as("rerun from failed keeps what succeeded").isEqualTo("success");
            node.call("cancel", rerun);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.call("workflow", rerun).get("status").asText()
                    .equals("canceled"));
        }
    }

    /** Claims the next task and ends it with {@code status}; answers its job's name. */
    private static String finishNext(RunnerClient runner, TaskStatus status) throws Exception {
        Optional<ClaimResponse> claim = runner.claim(new ClaimRequest("runner-1", "host", "0.1.0", "linux", "amd64",
                1, 20));
        assertThat(claim).as("a task was queued").isPresent();
        TaskClient task = runner.forTask(claim.get());
        task.taskFinished(new TaskResult(status, null));
        return claim.get().jobName();
    }

    private static Map<String, JsonNode> byName(JsonNode page) {
        Map<String, JsonNode> jobs = new HashMap<>();
        page.get("items").forEach(job -> jobs.put(job.get("name").asText(), job));
        return jobs;
    }

    /** Runs the client's calls with node, the token in the environment. */
    private record Node(Path npm, URI server, String token, String slug) {
        JsonNode call(String... arguments) throws IOException, InterruptedException {
            Path script = npm.resolve("circle-client-calls.js");
            try (InputStream in = CircleCiJavaScriptClientTest.class.getResourceAsStream(
                    "/circleci-clients/circle-client-calls.js")) {
                Files.write(script, in.readAllBytes());
            }
            List<String> command = new ArrayList<>(List.of("node", script.toString()));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
            builder.environment().put("CLIENT_DIR", npm.toString());
            builder.environment().put("RUNWAY_URL", server.toString());
            builder.environment().put("RUNWAY_TOKEN", token);
            builder.environment().put("PROJECT_SLUG", slug);
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("circle-client %s: %s", String.join(" ", arguments), err).isZero();
            return Json.mapper().readTree(out);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Path repository(Path dir) throws Exception {
        Files.createDirectories(dir.resolve(".circleci"));
        Files.writeString(dir.resolve(".circleci/config.yml"), CONFIG);
        return GitRepositories.commitAll(dir, "config");
    }
}
