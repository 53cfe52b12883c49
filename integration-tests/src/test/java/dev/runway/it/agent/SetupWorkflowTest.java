package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.HttpTransport;
import dev.runway.client.PipelinesClient;
import dev.runway.protocol.PipelinesApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A setup workflow end to end: the image's launch agent and task agent run the setup job, which checks out the
 * repository, builds the continuation request from a config file of the repository and posts it with curl to
 * the server's continuation endpoint with the CIRCLE_CONTINUATION_KEY it finds in its environment (masked in its
 * output); the continued workflow then runs in the same pipeline on the same runner.
 */
class SetupWorkflowTest {

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    private static boolean onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aSetupJobContinuesItsPipelineThroughTheContinuationApi(@TempDir Path home) throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "the setup job posts its continuation with curl, which is missing");
        try (AgentHarness harness = AgentHarness.start(home)) {
            Path repo = Files.createDirectories(home.resolve("repo/.circleci")).getParent();
            Files.writeString(repo.resolve(".circleci/config.yml"), """
                    version: 2.1
                    setup: true
                    jobs:
                      generate:
                        machine: true
                        resource_class: %s
                        steps:
                          - checkout
                          - run:
                              name: continue
                              command: |
                                echo "key=$CIRCLE_CONTINUATION_KEY"
                                body='{"continuation-key":"%%s","configuration":"%%s","parameters":{"target":"prod"}}'
                                code=$(printf "$body" "$CIRCLE_CONTINUATION_KEY" "$(cat .circleci/continue.yml)" \
                                  | curl -sS -o response.txt -w '%%{http_code}' -X POST \
                                      -H 'Content-Type: application/json' --data-binary @- %s/api/v2/pipeline/continue)
                                cat response.txt; echo
                                test "$code" = 200
                    workflows:
                      setup:
                        jobs: [generate]
                    """.formatted(harness.resourceClass, harness.apiUrl()));
            // one line without quotes or backslashes: the job puts it in a JSON string as it is
            Files.writeString(repo.resolve(".circleci/continue.yml"), ("{version: 2.1, parameters: {target: {type:"
                    + " string, default: none}}, jobs: {deploy: {machine: true, resource_class: %s, steps: [{run:"
                    + " {name: deploy, command: echo deploying to << pipeline.parameters.target >>}}]}},"
                    + " workflows: {continued: {jobs: [deploy]}}}").formatted(harness.resourceClass));
            git(repo, "init", "-q");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "setup config");

            PipelinesClient pipelines = new PipelinesClient(new HttpTransport(harness.server().uri(),
                    Duration.ofSeconds(30)), harness.server().adminToken());
            PipelinesApi.Project project = pipelines.createProject(new PipelinesApi.ProjectCreate(
                    AgentHarness.NAMESPACE, repo.toString(), "setup-app", "main"));
            AgentProcess agent = harness.launchAgent("setup", "");
            PipelinesApi.PipelineCreated created = pipelines.trigger(project.slug(), "main", null, Map.of());
            assertThat(created.state()).isEqualTo("setup");

            Map<String, JsonNode> workflows = new HashMap<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                workflows.clear();
                pipelines.workflows(created.id()).path("items").forEach(w -> workflows.put(w.path("name").asText(),
                        w));
                return workflows.containsKey("continued") && workflows.get("continued").path("status").asText()
                        .equals("success") || workflows.values().stream().anyMatch(w -> w.path("status").asText()
                        .equals("failed"));
            });
            long setupJob = pipelines.workflowJobs(workflows.get("setup").path("id").asText()).path("items").get(0)
                    .path("job_number").asLong();
            String continueOutput = harness.output(Long.toString(setupJob), 1);
            assertThat(workflows.get("setup").path("status").asText()).as("%s\n%s\n%s", harness.output(
                    Long.toString(setupJob), 0), continueOutput, harness.agentLogs()).isEqualTo("success");
            assertThat(workflows.get("continued").path("status").asText()).isEqualTo("success");
            assertThat(pipelines.pipeline(created.id()).path("state").asText()).isEqualTo("created");

            assertThat(continueOutput).contains("Pipeline 1 continued.").contains("key=")
                    .doesNotContainPattern("key=[0-9a-f]{64}");
            long deployJob = pipelines.workflowJobs(workflows.get("continued").path("id").asText()).path("items")
                    .get(0).path("job_number").asLong();
            assertThat(harness.output(Long.toString(deployJob), 0)).contains("deploying to prod");
            agent.killTree();
        }
    }
}
