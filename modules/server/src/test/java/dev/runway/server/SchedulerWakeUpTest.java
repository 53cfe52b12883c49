package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.server.pipeline.PipelineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's tick is an hour here: everything that moves a workflow on (a job's end, a trigger, an approval, a
 * cancel) must wake it, or the next job is never queued while the test waits.
 */
class SchedulerWakeUpTest {
    static final String CONFIG = """
            version: 2.1
            jobs:
              step:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo hi}]
            workflows:
              main:
                jobs:
                  - step: {name: build}
                  - step: {name: test, requires: [build]}
                  - hold: {type: approval, requires: [test]}
                  - step: {name: deploy, requires: [hold]}
                  - step: {name: after-deploy, requires: [deploy]}
            """;

    @TempDir
    Path temp;

    @Test
    void aJobsEndAnApprovalAndACancelWakeTheSchedulerWithoutItsTick() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        PipelineSettings hourlyTick = new PipelineSettings(Map.of(), List.of(), Duration.ofHours(1));
        try (TestServer server = new TestServer(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0),
                hourlyTick)) {
            RunnerClient runner = server.runner(server.resourceClassToken());
            String admin = server.server.adminToken();
            assertThat(server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\":"
                    + " \"" + repo + "\", \"name\": \"app\"}").statusCode()).isEqualTo(201);
            String pipelineId = Json.mapper().readTree(server.send("POST", "/api/v2/project/gh/acme/app/pipeline",
                    admin, "{\"branch\": \"main\"}").body()).get("id").asText();

            // the trigger wakes it: build is queued; build's end wakes it: test is queued
            assertThat(claimAndFinish(runner)).isEqualTo("build");
            assertThat(claimAndFinish(runner)).isEqualTo("test");
            await().atMost(Duration.ofSeconds(20)).until(() -> PipelineFlowTest.status(server, admin, pipelineId,
                    "main").equals("on_hold"));

            // the approval wakes it: deploy is queued
            String workflowId = PipelineFlowTest.workflows(server, admin, pipelineId).get("main").get("id").asText();
            JsonNode hold = PipelineFlowTest.jobs(server, admin, workflowId).get("hold");
            assertThat(server.send("POST", "/api/v2/workflow/" + workflowId + "/approve/"
                    + hold.get("approval_request_id").asText(), admin, null).statusCode()).isEqualTo(202);
            Optional<ClaimResponse> deploy = runner.claim(TestServer.claimRequest("runner-1", 20));
            assertThat(deploy).isPresent();
            assertThat(deploy.get().jobName()).isEqualTo("deploy");

            // the cancel wakes it: the blocked job ends canceled and the running one gets its cancel
            assertThat(server.send("POST", "/api/v2/workflow/" + workflowId + "/cancel", admin, null).statusCode())
                    .isEqualTo(202);
            TaskClient task = runner.forTask(deploy.get());
            await().atMost(Duration.ofSeconds(20)).until(() -> task.heartbeat().canceled());
            task.taskFinished(new TaskResult(TaskStatus.CANCELED, "canceled"));
            await().atMost(Duration.ofSeconds(20)).until(() -> PipelineFlowTest.status(server, admin, pipelineId,
                    "main").equals("canceled"));
            Map<String, JsonNode> jobs = PipelineFlowTest.jobs(server, admin, workflowId);
            assertThat(jobs.get("deploy").get("status").asText()).isEqualTo("canceled");
            assertThat(jobs.get("after-deploy").get("status").asText()).isEqualTo("canceled");
        }
    }

    /** Claims the next task (waiting up to 20 s: longer than a wake-up, far shorter than the tick) and succeeds it. */
    private static String claimAndFinish(RunnerClient runner) throws Exception {
        Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 20));
        assertThat(claim).as("a task was queued before the scheduler's next tick").isPresent();
        TaskClient task = runner.forTask(claim.get());
        String name = task.job().jobName();
        task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
        return name;
    }
}
