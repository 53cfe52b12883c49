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
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polling, schedules and setup pipelines through the real server on loopback: repositories made here with git, the
 * routes called as the CLI and CircleCI's continuation orb call them, this test playing the runner.
 */
class TriggersApiTest {
    static final String SETUP_CONFIG = """
            version: 2.1
            setup: true
            parameters:
              from-trigger: {type: string, default: ""}
            jobs:
              generate:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo << pipeline.parameters.from-trigger >> << pipeline.in_setup >>}]
            workflows:
              setup:
                jobs: [generate]
            """;
    static final String CONTINUED = """
            version: 2.1
            parameters:
              from-trigger: {type: string, default: ""}
              target: {type: string, default: none}
            jobs:
              deploy:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo << pipeline.parameters.target >>}]
            workflows:
              continued:
                jobs: [deploy]
            """;

    @TempDir
    Path temp;

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static String project(TestServer server, Path repo) throws Exception {
        server.resourceClassToken();
        HttpResponse<String> created = server.send("POST", "/api/v3/projects", server.server.adminToken(),
                "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"app\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("slug").asText();
    }

    private static JsonNode pipelines(TestServer server) throws Exception {
        return json(server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/pipeline", server.server.adminToken(),
                null)).get("items");
    }

    @Test
    void aPolledProjectBuildsNewCommitsAndNotTwiceAfterARestart() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), PipelineFlowTest.CONFIG);
        Instant restarted;
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            project(server, repo);
            HttpResponse<String> bad = server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin,
                    "{\"branches\": [\"main\", \"-x\"]}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).get("message").asText()).contains("branches[1]");
            HttpResponse<String> set = server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin,
                    "{\"branches\": [\"main\"], \"interval_seconds\": 1}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(json(set).get("interval_seconds").asLong()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipelines(server).size() == 1);
            assertThat(pipelines(server).get(0).get("trigger").get("type").asText()).isEqualTo("poll");
            PipelineFlowTest.git(repo, "commit", "-q", "--allow-empty", "-m", "second");
            await().atMost(Duration.ofSeconds(30)).until(() -> pipelines(server).size() == 2);
            JsonNode status = json(server.send("GET", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin, null));
            assertThat(status.get("heads").get("main").asText())
                    .isEqualTo(pipelines(server).get(0).get("vcs").get("revision").asText());
            assertThat(status.get("last_error").isNull()).isTrue();
        }
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            restarted = Instant.now();
            String admin = server.server.adminToken();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode status = json(server.send("GET", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin, null));
                return Instant.parse(status.get("last_polled_at").asText()).isAfter(restarted);
            });
            assertThat(pipelines(server)).as("the head seen before the restart builds nothing").hasSize(2);
            HttpResponse<String> stop = server.send("DELETE", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin, null);
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
            assertThat(server.send("GET", "/api/v3/projects/gh%2Facme%2Fapp/poll", admin, null).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void schedulesInCircleCiShapes() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), """
                version: 2.1
                jobs:
                  build: {machine: true, resource_class: acme/linux, steps: [{run: echo}]}
                workflows:
                  nightly:
                    triggers: [{schedule: {cron: "30 2 * * 1-5", filters: {branches: {only: main}}}}]
                    jobs: [build]
                """);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            project(server, repo);
            HttpResponse<String> bad = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/schedule", admin,
                    "{\"name\": \"n\", \"cron\": \"0 25 * * *\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).get("message").asText()).contains("cron: hour \"25\"");
            HttpResponse<String> created = server.send("POST", "/api/v2/project/gh/acme/app/schedule", admin,
                    "{\"name\": \"nightly deploy\", \"cron\": \"0 3 * * *\","
                            + " \"parameters\": {\"branch\": \"main\", \"deploy\": true}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            JsonNode schedule = json(created);
            assertThat(schedule.get("project-slug").asText()).isEqualTo("gh/acme/app");
            assertThat(schedule.get("parameters").get("branch").asText()).isEqualTo("main");
            assertThat(schedule.get("parameters").get("deploy").asBoolean()).isTrue();
            assertThat(schedule.get("source").asText()).isEqualTo("server");
            assertThat(Instant.parse(schedule.get("next-run-at").asText()).toString()).endsWith("T03:00:00Z");
            String id = schedule.get("id").asText();
            // CircleCI's timetable, as its clients send it
            HttpResponse<String> timetable = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/schedule", admin,
                    "{\"name\": \"twice hourly\", \"attribution-actor\": \"system\", \"parameters\": {\"branch\":"
                            + " \"main\"}, \"timetable\": {\"per-hour\": 2, \"hours-of-day\": [1, 13],"
                            + " \"days-of-week\": [\"MON\", \"FRI\"]}}");
            assertThat(timetable.statusCode()).as(timetable.body()).isEqualTo(201);
            assertThat(json(timetable).get("cron").asText()).isEqualTo("0,30 1,13 * * MON,FRI");
            HttpResponse<String> badTimetable = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/schedule", admin,
                    "{\"name\": \"x\", \"timetable\": {\"per-hour\": 1, \"hours-of-day\": [24]}}");
            assertThat(badTimetable.statusCode()).isEqualTo(400);
            assertThat(json(badTimetable).get("message").asText()).contains("timetable.hours-of-day: 24");
            assertThat(server.send("DELETE", "/api/v2/schedule/" + json(timetable).get("id").asText(), admin, null)
                    .statusCode()).isEqualTo(200);
            assertThat(json(server.send("GET", "/api/v2/schedule/" + id, admin, null)).get("name").asText())
                    .isEqualTo("nightly deploy");

            // a pipeline of the default branch registers the config's scheduled workflow
            HttpResponse<String> trigger = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin,
                    "{}");
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
            JsonNode list = json(server.send("GET", "/api/v2/project/gh%2Facme%2Fapp/schedule", admin, null));
            assertThat(list.has("next_page_token")).isTrue();
            assertThat(list.get("items")).hasSize(2);
            JsonNode config = null;
            for (JsonNode item : list.get("items")) {
                if (item.get("source").asText().equals("config")) {
                    config = item;
                }
            }
            assertThat(config).isNotNull();
            assertThat(config.get("workflow").asText()).isEqualTo("nightly");
            assertThat(config.get("cron").asText()).isEqualTo("30 2 * * 1-5");
            HttpResponse<String> refused = server.send("DELETE", "/api/v2/schedule/" + config.get("id").asText(),
                    admin, null);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(json(refused).get("message").asText()).contains("remove it there");

            assertThat(server.send("DELETE", "/api/v2/schedule/" + id, admin, null).statusCode()).isEqualTo(200);
            assertThat(server.send("GET", "/api/v2/schedule/" + id, admin, null).statusCode()).isEqualTo(404);
        }
    }

    /** Claims one task; answers its job, finished as {@code status} unless null (then it is left running). */
    private static TaskJob claim(RunnerClient runner, TaskStatus status) throws Exception {
        Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
        assertThat(claim).as("a task to claim").isPresent();
        TaskClient task = runner.forTask(claim.get());
        TaskJob job = task.job();
        if (status != null) {
            task.taskFinished(new TaskResult(status, null));
        }
        return job;
    }

    @Test
    void aSetupJobContinuesThePipelineOnceWithAGeneratedConfig() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), SETUP_CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            project(server, repo);
            RunnerClient runner = server.runner(server.resourceClassToken());
            HttpResponse<String> trigger = server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin,
                    "{\"parameters\": {\"from-trigger\": \"hello\"}}");
            assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
            assertThat(json(trigger).get("state").asText()).isEqualTo("setup");
            String pipelineId = json(trigger).get("id").asText();

            TaskJob setup = claim(runner, null);
            assertThat(setup.jobName()).isEqualTo("generate");
            String key = setup.environment().get("CIRCLE_CONTINUATION_KEY");
            assertThat(key).hasSize(64);
            assertThat(setup.secretNames()).contains("CIRCLE_CONTINUATION_KEY");
            assertThat(setup.steps().get(0).command()).contains("hello true");

            // as CircleCI's continuation orb calls it: no token, the key in the body
            HttpResponse<String> overlap = server.send("POST", "/api/v2/pipeline/continue", null, Json.writeString(
                    Map.of("continuation-key", key, "configuration", CONTINUED,
                            "parameters", Map.of("from-trigger", "again"))));
            assertThat(overlap.statusCode()).isEqualTo(400);
            assertThat(json(overlap).get("message").asText()).contains("parameters.from-trigger");
            assertThat(json(server.send("GET", "/api/v2/pipeline/" + pipelineId, admin, null)).get("state")
                    .asText()).as("a refused continuation errors the pipeline").isEqualTo("errored");
        }
    }

    @Test
    void continuationRunsTheGeneratedWorkflowsInTheSamePipeline() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), SETUP_CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            project(server, repo);
            RunnerClient runner = server.runner(server.resourceClassToken());
            String pipelineId = json(server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin,
                    "{\"parameters\": {\"from-trigger\": \"hello\"}}")).get("id").asText();
            Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 10));
            TaskClient task = runner.forTask(claim.orElseThrow());
            String key = task.job().environment().get("CIRCLE_CONTINUATION_KEY");

            String body = Json.writeString(Map.of("continuation-key", key, "configuration", CONTINUED,
                    "parameters", Map.of("target", "production")));
            HttpResponse<String> continued = server.send("POST", "/api/v2/pipeline/continue", null, body);
            assertThat(continued.statusCode()).as(continued.body()).isEqualTo(200);
            HttpResponse<String> again = server.send("POST", "/api/v2/pipeline/continue", null, body);
            assertThat(again.statusCode()).as("single use").isEqualTo(400);
            assertThat(json(again).get("message").asText()).contains("used already");
            task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));

            TaskJob deploy = claim(runner, TaskStatus.SUCCESS);
            assertThat(deploy.jobName()).isEqualTo("deploy");
            assertThat(deploy.steps().get(0).command()).contains("echo production");
            assertThat(deploy.environment()).doesNotContainKey("CIRCLE_CONTINUATION_KEY");
            await().atMost(Duration.ofSeconds(10)).until(() -> PipelineFlowTest.status(server, admin, pipelineId,
                    "continued").equals("success"));
            assertThat(PipelineFlowTest.status(server, admin, pipelineId, "setup")).isEqualTo("success");
            assertThat(json(server.send("GET", "/api/v2/pipeline/" + pipelineId, admin, null)).get("state")
                    .asText()).isEqualTo("created");
        }
    }

    @Test
    void aSetupWorkflowThatEndsWithoutContinuingEndsThePipelineThere() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), SETUP_CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            String admin = server.server.adminToken();
            project(server, repo);
            RunnerClient runner = server.runner(server.resourceClassToken());
            String pipelineId = json(server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/pipeline", admin,
                    "{}")).get("id").asText();
            String key = claim(runner, TaskStatus.SUCCESS).environment().get("CIRCLE_CONTINUATION_KEY");
            await().atMost(Duration.ofSeconds(10)).until(() -> PipelineFlowTest.status(server, admin, pipelineId,
                    "setup").equals("success"));
            HttpResponse<String> late = server.send("POST", "/api/v2/pipeline/continue", null, Json.writeString(
                    Map.of("continuation-key", key, "configuration", CONTINUED)));
            assertThat(late.statusCode()).isEqualTo(400);
            assertThat(json(late).get("message").asText()).contains("ended without continuing");
            assertThat(PipelineFlowTest.workflows(server, admin, pipelineId).keySet()).containsExactly("setup");
            HttpResponse<String> unknown = server.send("POST", "/api/v2/pipeline/continue", null,
                    "{\"continuation-key\": \"nope\", \"configuration\": \"{}\"}");
            assertThat(unknown.statusCode()).isEqualTo(400);
        }
    }
}
