package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.PipelinesApi;
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
 * A job's end moves its workflow on at once: the job that requires it is queued without waiting for the pipeline
 * scheduler's next tick (here an hour, so that only a wake-up can do it). The benchmark's "job end -> first step of
 * the job requiring it" (docs/benchmarks.md) shows what the tick costs each hand-over.
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

    @TempDir
    Path temp;

    @Test
    void aJobsEndQueuesTheJobThatRequiresItWithoutATick() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        RunwayServer server = RunwayServer.start(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0),
                new PipelineSettings(Map.of(), List.of(), Duration.ofHours(1)));
        try {
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(20));
            ManagementClient admin = new ManagementClient(transport, server.adminToken());
            admin.createNamespace("acme", "github/acme");
            admin.createResourceClass(TestServer.RESOURCE_CLASS, "test machines");
            RunnerClient runner = new RunnerClient(transport, admin.createToken(TestServer.RESOURCE_CLASS, "t")
                    .token());
            PipelinesClient pipelines = new PipelinesClient(transport, server.adminToken());
            String slug = pipelines.createProject(new PipelinesApi.ProjectCreate("acme", repo.toString(), "app",
                    "main")).slug();
            pipelines.trigger(slug, "main", null, Map.of());

            Optional<ClaimResponse> first = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(first).as("the trigger queues the first job").isPresent();
            TaskClient task = runner.forTask(first.get());
            assertThat(task.job().jobName()).isEqualTo("first");
            task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));

            Optional<ClaimResponse> second = runner.claim(TestServer.claimRequest("runner-1", 10));
            assertThat(second).as("the end of first queues second (the scheduler's tick is an hour)").isPresent();
            assertThat(runner.forTask(second.get()).job().jobName()).isEqualTo("second");
        } finally {
            server.close();
        }
    }
}
