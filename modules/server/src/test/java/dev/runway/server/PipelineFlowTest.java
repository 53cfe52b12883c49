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
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project's pipeline through the real server and API v2: a git repository made here, triggered with CircleCI's
 * body and an escaped slug, workflow jobs claimed as a runner would claim them (this test plays the runner and
 * decides each task's result), statuses read back in API v2's shapes.
 */
class PipelineFlowTest {
    static final String CONFIG = """
            version: 2.1
            executors:
              here:
                machine: true
                resource_class: acme/linux
            jobs:
              step:
                executor: here
                parameters:
                  v: {type: string, default: ""}
                parallelism: 1
                steps:
                  - checkout
                  - run: echo << parameters.v >>
              split:
                executor: here
                parallelism: 2
                steps: [{run: echo $CIRCLE_NODE_INDEX}]
            workflows:
              main:
                jobs:
                  - step: {name: build}
                  - step: {name: test-a, requires: [build]}
                  - step: {name: test-b, requires: [build]}
                  - split: {requires: [test-a, test-b]}
                  - step:
                      name: only-release
                      filters: {branches: {only: release}}
                  - hold: {type: approval, requires: [split]}
                  - step: {name: deploy, requires: [hold]}
              failing:
                jobs:
                  - step: {name: broken}
                  - step: {name: on-failure, requires: [{broken: failed}]}
                  - step: {name: on-success, requires: [broken]}
              matrix:
                jobs:
                  - step:
                      matrix: {parameters: {v: ["1", "2"]}}
            """;

    @TempDir
    Path temp;

    static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    static Path repository(Path dir, String config) throws Exception {
        Files.createDirectories(dir.resolve(".circleci"));
        Files.writeString(dir.resolve(".circleci/config.yml"), config);
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "config");
        return dir;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    @Test
    void workflowsRunTheirGraphsWithCircleCiStatuses() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String rcToken = server.resourceClassToken();
            String admin = server.server.adminToken();
            HttpResponse<String> created = server.send("POST", "/api/v3/projects", admin,
                    "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"app\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(json(created).get("slug").asText()).isEqualTo("gh/acme/app");

            // Basic auth (token as user, empty password) and the escaped slug, as CircleCI's clients send them
            HttpResponse<String> trigger = server.http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.server.uri() + "/api/v2/project/gh%2Facme%2Fapp/pipeline"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((admin + ":")
                            .getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"branch\": \"main\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
            JsonNode pipeline = json(trigger);
            assertThat(pipeline.get("number").asLong()).isEqualTo(1);
            assertThat(pipeline.get("state").asText()).isEqualTo("pending");
            String pipelineId = pipeline.get("id").asText();

            RunnerClient runner = server.runner(rcToken);
            List<String> order = new ArrayList<>();
            Map<String, Map<String, String>> environments = new HashMap<>();
            // run everything that becomes ready until the main workflow waits on its approval
            runUntilIdle(runner, order, environments, Duration.ofSeconds(2));

            Map<String, JsonNode> workflows = workflows(server, admin, pipelineId);
            assertThat(workflows.keySet()).containsExactlyInAnyOrder("main", "failing", "matrix");
            await().atMost(Duration.ofSeconds(10)).until(() -> status(server, admin, pipelineId, "main")
                    .equals("on_hold"));
            Map<String, JsonNode> main = jobs(server, admin, workflows.get("main").get("id").asText());
            assertThat(main.get("build").get("status").asText()).isEqualTo("success");
            assertThat(main.get("split").get("status").asText()).isEqualTo("success");
            assertThat(main.get("only-release").get("status").asText()).isEqualTo("not_run");
            assertThat(main.get("hold").get("status").asText()).isEqualTo("on_hold");
            assertThat(main.get("deploy").get("status").asText()).isEqualTo("blocked");
            assertThat(order.indexOf("build")).isLessThan(order.indexOf("test-a")).isLessThan(order.indexOf("split"));
            assertThat(order.indexOf("test-b")).isLessThan(order.indexOf("split"));
            assertThat(order.stream().filter("split"::equals)).hasSize(2);
            assertThat(environments.get("split").get("CIRCLE_NODE_TOTAL")).isEqualTo("2");
            assertThat(environments.get("build").get("CIRCLE_BRANCH")).isEqualTo("main");
            assertThat(environments.get("build").get("CIRCLE_PIPELINE_ID")).isEqualTo(pipelineId);
            assertThat(order).doesNotContain("deploy", "on-success", "only-release");
            assertThat(order).contains("on-failure", "step-1", "step-2");

            await().atMost(Duration.ofSeconds(10)).until(() -> status(server, admin, pipelineId, "failing")
                    .equals("failed"));
            Map<String, JsonNode> failing = jobs(server, admin, workflows.get("failing").get("id").asText());
            assertThat(failing.get("broken").get("status").asText()).isEqualTo("failed");
            assertThat(failing.get("on-failure").get("status").asText()).isEqualTo("success");
            assertThat(failing.get("on-success").get("status").asText()).isEqualTo("not_run");
            await().atMost(Duration.ofSeconds(10)).until(() -> status(server, admin, pipelineId, "matrix")
                    .equals("success"));

            // approve: deploy runs, the workflow succeeds
            String mainId = workflows.get("main").get("id").asText();
            HttpResponse<String> approve = server.send("POST", "/api/v2/workflow/" + mainId + "/approve/"
                    + main.get("hold").get("approval_request_id").asText(), admin, null);
            assertThat(approve.statusCode()).as(approve.body()).isEqualTo(202);
            runUntilIdle(runner, order, environments, Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> status(server, admin, pipelineId, "main")
                    .equals("success"));
            assertThat(order).contains("deploy");

            // rerun from failed: only broken and its followers run again
            order.clear();
            HttpResponse<String> rerun = server.send("POST", "/api/v2/workflow/" + workflows.get("failing")
                    .get("id").asText() + "/rerun", admin, "{\"from_failed\": true}");
            assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(202);
            runUntilIdle(runner, order, environments, Duration.ofSeconds(2));
            assertThat(order).containsExactly("broken", "on-failure");

            // job details by number, and the pipeline by number
            long number = jobs(server, admin, mainId).get("deploy").get("job_number").asLong();
            HttpResponse<String> details = server.send("GET", "/api/v2/project/gh/acme/app/job/" + number, admin,
                    null);
            assertThat(details.statusCode()).as(details.body()).isEqualTo(200);
            assertThat(json(details).get("status").asText()).isEqualTo("success");
            assertThat(json(details).get("latest_workflow").get("name").asText()).isEqualTo("main");
            HttpResponse<String> byNumber = server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/pipeline/1"
                    + "?circle-token=" + admin, null, null);
            assertThat(byNumber.statusCode()).as(byNumber.body()).isEqualTo(200);
            assertThat(json(byNumber).get("vcs").get("branch").asText()).isEqualTo("main");
            HttpResponse<String> list = server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin, null);
            assertThat(json(list).get("items")).hasSize(1);
            assertThat(json(list).has("next_page_token")).isTrue();
            assertThat(json(list).get("next_page_token").isNull()).isTrue();
        }
    }

    @Test
    void badTriggersCreateNothingAndSayWhy() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            server.resourceClassToken();
            String admin = server.server.adminToken();
            server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \""
                    + repo + "\"}");
            HttpResponse<String> unknown = server.send("POST", "/api/v2/project/gh/acme/repo/pipeline", admin,
                    "{\"branch\": \"nope\"}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(json(unknown).get("message").asText()).contains("branch", "nope", "does not exist");
            HttpResponse<String> both = server.send("POST", "/api/v2/project/gh/acme/repo/pipeline", admin,
                    "{\"branch\": \"main\", \"tag\": \"v1\"}");
            assertThat(both.statusCode()).isEqualTo(400);
            HttpResponse<String> missing = server.send("POST", "/api/v2/project/gh/acme/other/pipeline", admin,
                    "{}");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(json(missing).get("message").asText()).isEqualTo("Project not found");
            HttpResponse<String> list = server.send("GET", "/api/v2/project/gh/acme/repo/pipeline", admin, null);
            assertThat(json(list).get("items")).isEmpty();

            Files.writeString(repo.resolve(".circleci/config.yml"), "version: 2.1\njobs: {a: {steps: [bogus]}}\n");
            git(repo, "commit", "-q", "-am", "broken config");
            HttpResponse<String> errored = server.send("POST", "/api/v2/project/gh/acme/repo/pipeline", admin, null);
            assertThat(errored.statusCode()).as(errored.body()).isEqualTo(201);
            assertThat(json(errored).get("state").asText()).isEqualTo("errored");
            JsonNode stored = json(server.send("GET", "/api/v2/pipeline/" + json(errored).get("id").asText(), admin,
                    null));
            assertThat(stored.get("errors").get(0).get("type").asText()).isEqualTo("config");
            assertThat(stored.get("errors").get(0).get("message").asText()).contains(".circleci/config.yml:");
        }
    }

    /** Claims and finishes tasks until none comes for {@code quiet}: "broken" fails, the rest succeed. */
    static void runUntilIdle(RunnerClient runner, List<String> order, Map<String, Map<String, String>> environments,
            Duration quiet) throws Exception {
        while (true) {
            Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1",
                    (int) quiet.toSeconds()));
            if (claim.isEmpty()) {
                return;
            }
            TaskClient task = runner.forTask(claim.get());
            TaskJob job = task.job();
            order.add(job.jobName());
            environments.put(job.jobName(), job.environment());
            task.taskFinished(new TaskResult(job.jobName().equals("broken") ? TaskStatus.FAILED : TaskStatus.SUCCESS,
                    null));
        }
    }

    static Map<String, JsonNode> workflows(TestServer server, String admin, String pipelineId) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        json(server.send("GET", "/api/v2/pipeline/" + pipelineId + "/workflow", admin, null)).get("items")
                .forEach(w -> byName.put(w.get("name").asText(), w));
        return byName;
    }

    static String status(TestServer server, String admin, String pipelineId, String workflow) throws Exception {
        return workflows(server, admin, pipelineId).get(workflow).get("status").asText();
    }

    static Map<String, JsonNode> jobs(TestServer server, String admin, String workflowId) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        json(server.send("GET", "/api/v2/workflow/" + workflowId + "/job", admin, null)).get("items")
                .forEach(j -> byName.put(j.get("name").asText(), j));
        return byName;
    }
}
