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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow's {@code max_auto_reruns}: a failed run is rerun from failed on its own, at most that many times, and
 * only the jobs that did not succeed (with their followers) run again.
 */
class AutoRerunsTest {
    static final String CONFIG = """
            version: 2.1
            jobs:
              step:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo hi}]
            workflows:
              flaky:
                max_auto_reruns: 3
                jobs:
                  - step: {name: build}
                  - step: {name: test, requires: [build]}
              broken:
                max_auto_reruns: 1
                jobs:
                  - step: {name: always-fails}
            """;

    @TempDir
    Path temp;

    @Test
    void aFailedWorkflowIsRerunFromFailedAtMostMaxAutoRerunsTimes() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            RunnerClient runner = server.runner(server.resourceClassToken());
            String admin = server.server.adminToken();
            server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \"" + repo
                    + "\", \"name\": \"app\"}");
            String pipelineId = Json.mapper().readTree(server.send("POST", "/api/v2/project/gh/acme/app/pipeline",
                    admin, "{\"branch\": \"main\"}").body()).get("id").asText();

            // test fails twice, then succeeds; always-fails always fails
            Map<String, Integer> runs = new HashMap<>();
            while (true) {
                Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 3));
                if (claim.isEmpty()) {
                    break;
                }
                TaskClient task = runner.forTask(claim.get());
                String name = claim.get().jobName();
                int run = runs.merge(name, 1, Integer::sum);
                boolean fails = name.equals("always-fails") || name.equals("test") && run <= 2;
                task.taskFinished(new TaskResult(fails ? TaskStatus.FAILED : TaskStatus.SUCCESS, null));
            }
            assertThat(runs).containsEntry("build", 1).containsEntry("test", 3).containsEntry("always-fails", 2);

            await().atMost(Duration.ofSeconds(20)).until(() -> statuses(server, admin, pipelineId, "flaky")
                    .equals(List.of("failed", "failed", "success")));
            assertThat(statuses(server, admin, pipelineId, "broken")).containsExactly("failed", "failed");
        }
    }

    /** The statuses of every run of the workflow named, oldest first. */
    private static List<String> statuses(TestServer server, String admin, String pipelineId, String name)
            throws Exception {
        List<String> statuses = new ArrayList<>();
        JsonNode items = Json.mapper().readTree(server.send("GET", "/api/v2/pipeline/" + pipelineId + "/workflow",
                admin, null).body()).get("items");
        List<JsonNode> runs = new ArrayList<>();
        items.forEach(runs::add);
        runs.sort(java.util.Comparator.comparing(w -> w.get("created_at").asText()));
        for (JsonNode workflow : runs) {
            if (workflow.get("name").asText().equals(name)) {
                statuses.add(workflow.get("status").asText());
            }
        }
        return statuses;
    }
}
