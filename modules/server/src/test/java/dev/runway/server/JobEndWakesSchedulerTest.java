package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
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
 * A job's end moves its workflow on at once: the job that requires it is queued without waiting for the pipeline
 * scheduler's next tick (here an hour), before the task's result is answered (PipelineScheduler.jobEnded). The
 * benchmark's "job end -> first step of the job requiring it" (docs/benchmarks.md) shows what a hand-over costs.
 */
class JobEndWakesSchedulerTest {
    private static final String CONFIG = """
            version: 2.1
            executors:
              here:
                machine: true
                resource_class: acme/linux
            jobs:
              first:
                executor: here
                steps: [{run: "true"}]
              second:
                executor: here
                steps: [{run: "true"}]
            workflows:
              chain:
                jobs:
                  - first
                  - second: {requires: [first]}
            """;

    /**
     * The end of first queues second and fails stranded at once (its resource class does not exist); that leaves
     * later, which requires stranded, for a further pass.
     */
    private static final String FAN_CONFIG = """
            version: 2.1
            executors:
              here:
                machine: true
                resource_class: acme/linux
              nowhere:
                machine: true
                resource_class: acme/missing
            jobs:
              first:
                executor: here
                steps: [{run: "true"}]
              second:
                executor: here
                steps: [{run: "true"}]
              stranded:
                executor: nowhere
                steps: [{run: "true"}]
              later:
                executor: here
                steps: [{run: "true"}]
            workflows:
              chain:
                jobs:
                  - first
                  - second: {requires: [first]}
                  - stranded: {requires: [first]}
                  - later: {requires: [stranded]}
            """;

    @TempDir
    Path temp;

    @Test
    void aJobsEndQueuesTheJobThatRequiresItWithoutATick() throws Exception {
        chain((runner, task) -> {
            task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            return runner.claim(TestServer.claimRequest("runner-1", 10));
        });
    }

    /**
     * The task's result is answered once the job requiring it is queued: a claim that does not wait, sent right after
     * the answer, gets it (the runner's next claim then finds its task at once).
     */
    @Test
    void theJobRequiringAnEndedOneIsQueuedBeforeTheResultIsAnswered() throws Exception {
        chain((runner, task) -> {
            task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            return runner.claim(TestServer.claimRequest("runner-1", 0));
        });
    }

    /**
     * The task's result is answered once a pass has queued a job; the passes that may follow run on the scheduler's
     * thread, and still come without its tick: here the second pass decides that later is not run.
     */
    @Test
    void thePassesAfterTheQueueingOneStillComeWithoutATick() throws Exception {
        try (FirstJobClaimed started = startAndClaimFirst(FAN_CONFIG)) {
            started.runner.forTask(started.first).taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
            Optional<ClaimResponse> second = started.runner.claim(TestServer.claimRequest("runner-1", 0));
            assertThat(second).as("queued before the result was answered").isPresent();
            assertThat(started.runner.forTask(second.get()).job().jobName()).isEqualTo("second");

            String workflow = started.pipelines.workflows(started.pipeline).path("items").get(0).path("id").asText();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(statuses(started, workflow))
                    .as("decided by the passes after the queueing one, with the scheduler's tick an hour away")
                    .containsEntry("stranded", "failed").containsEntry("later", "not_run"));
        }
    }

    private static Map<String, String> statuses(FirstJobClaimed started, String workflow) throws Exception {
        Map<String, String> statuses = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode job : started.pipelines.workflowJobs(workflow).path("items")) {
            statuses.put(job.path("name").asText(), job.path("status").asText());
        }
        return statuses;
    }

    /** Likewise after an infrastructure failure reported by the launch agent (the second job is then not run). */
    @Test
    void anInfrastructureFailureMovesTheWorkflowOnBeforeItIsAnswered() throws Exception {
        try (FirstJobClaimed started = startAndClaimFirst()) {
            started.runner.forTask(started.first).fail(new InfraFailure("the task agent could not start", 1, ""));

            String workflow = started.pipelines.workflows(started.pipeline).path("items").get(0).path("id").asText();
            assertThat(started.pipelines.workflowJobs(workflow).path("items").findValuesAsText("status"))
                    .as("decided when the failure was answered, with the scheduler's tick an hour away")
                    .containsExactlyInAnyOrder("infrastructure_fail", "not_run");
        }
    }

    /** What the test does with the first job's task; answers the claim that should get the second job. */
    @FunctionalInterface
    private interface FirstJobEnd {
        Optional<ClaimResponse> end(RunnerClient runner, TaskClient task) throws Exception;
    }

    private void chain(FirstJobEnd end) throws Exception {
        try (FirstJobClaimed started = startAndClaimFirst()) {
            TaskClient task = started.runner.forTask(started.first);
            assertThat(task.job().jobName()).isEqualTo("first");

            Optional<ClaimResponse> second = end.end(started.runner, task);
            assertThat(second).as("the end of first queues second (the scheduler's tick is an hour)").isPresent();
            assertThat(started.runner.forTask(second.get()).job().jobName()).isEqualTo("second");
        }
    }

    /** A server whose scheduler ticks hourly, the chain's pipeline triggered and its first job claimed. */
    private record FirstJobClaimed(RunwayServer server, RunnerClient runner, PipelinesClient pipelines,
            String pipeline, ClaimResponse first) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    private FirstJobClaimed startAndClaimFirst() throws Exception {
        return startAndClaimFirst(CONFIG);
    }

    private FirstJobClaimed startAndClaimFirst(String config) throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), config);
        RunwayServer server = RunwayServer.start(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0),
                new PipelineSettings(Map.of(), List.of(), Duration.ofHours(1)));
        try {
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(20));
            RunnerClient runner = runnerOf(server, transport);
            PipelinesClient pipelines = new PipelinesClient(transport, server.adminToken());
            String slug = pipelines.createProject(new PipelinesApi.ProjectCreate("acme", repo.toString(), "app",
                    "main")).slug();
            String pipeline = pipelines.trigger(slug, "main", null, Map.of()).id();
            Optional<ClaimResponse> first = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(first).as("the trigger queues the first job").isPresent();
            return new FirstJobClaimed(server, runner, pipelines, pipeline, first.get());
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private static RunnerClient runnerOf(RunwayServer server, HttpTransport transport) throws Exception {
        ManagementClient admin = new ManagementClient(transport, server.adminToken());
        admin.createNamespace("acme", "github/acme");
        admin.createResourceClass(TestServer.RESOURCE_CLASS, "test machines");
        return new RunnerClient(transport, admin.createToken(TestServer.RESOURCE_CLASS, "t").token());
    }
}
