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
import dev.runway.server.pipeline.WorkflowStateMachine;
import dev.runway.server.store.PipelineRepository;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import dev.runway.server.store.h2.H2Store;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What people and runners do to the same workflow at the same moment, through the real server: an approval and a
 * cancel, a job's end and a cancel, several reruns. Whatever the order the store serialises them in, the outcome is
 * one of the orders, whole: an approval answered 202 is never undone, a rerun runs once.
 */
class WorkflowRacesTest {
    static final String CONFIG = """
            version: 2.1
            jobs:
              step:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo hi}]
            workflows:
              gate:
                jobs:
                  - step: {name: build}
                  - hold: {type: approval, requires: [build]}
                  - step: {name: deploy, requires: [hold]}
              solo:
                jobs:
                  - step: {name: one}
            """;
    private static final int PIPELINES = 6;

    @TempDir
    Path temp;

    @Test
    void approvalsCancelsJobEndsAndRerunsAtTheSameMomentEachWinWhole() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        ExecutorService pool = Executors.newFixedThreadPool(PIPELINES * 4);
        try (TestServer server = new TestServer(temp.resolve("data"))) {
            RunnerClient runner = server.runner(server.resourceClassToken());
            String admin = server.server.adminToken();
            server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \"" + repo
                    + "\", \"name\": \"app\"}");
            List<String> pipelines = new ArrayList<>();
            for (int i = 0; i < PIPELINES; i++) {
                pipelines.add(Json.mapper().readTree(server.send("POST", "/api/v2/project/gh/acme/app/pipeline", admin,
                        "{\"branch\": \"main\"}").body()).get("id").asText());
            }
            // builds succeed; each solo job stays running, its task held here
            Map<String, TaskClient> soloTasks = new HashMap<>();
            for (int claims = 0; claims < PIPELINES * 2; claims++) {
                Optional<ClaimResponse> claim = runner.claim(TestServer.claimRequest("runner-1", 5));
                assertThat(claim).as("every build and solo job is queued").isPresent();
                TaskClient task = runner.forTask(claim.get());
                Map<String, String> env = task.job().environment();
                if (claim.get().jobName().equals("one")) {
                    soloTasks.put(env.get("CIRCLE_PIPELINE_ID"), task);
                } else {
                    task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
                }
            }

            for (String pipeline : pipelines) {
                await().atMost(Duration.ofSeconds(20)).until(() -> gateOnHold(server, admin, pipeline));
            }
            // per pipeline, at once: approve and cancel the gate; end the solo job and cancel its workflow
            CountDownLatch go = new CountDownLatch(1);
            Map<String, Future<HttpResponse<String>>> approvals = new HashMap<>();
            List<Future<?>> others = new ArrayList<>();
            for (String pipeline : pipelines) {
                Map<String, JsonNode> workflows = PipelineFlowTest.workflows(server, admin, pipeline);
                String gate = workflows.get("gate").get("id").asText();
                String solo = workflows.get("solo").get("id").asText();
                String approval = PipelineFlowTest.jobs(server, admin, gate).get("hold").get("approval_request_id")
                        .asText();
                approvals.put(pipeline, pool.submit(after(go, () -> server.send("POST", "/api/v2/workflow/" + gate
                        + "/approve/" + approval, admin, null))));
                others.add(pool.submit(after(go, () -> server.send("POST", "/api/v2/workflow/" + gate + "/cancel",
                        admin, null))));
                others.add(pool.submit(after(go, () -> {
                    soloTasks.get(pipeline).taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
                    return null;
                })));
                others.add(pool.submit(after(go, () -> server.send("POST", "/api/v2/workflow/" + solo + "/cancel",
                        admin, null))));
            }
            go.countDown();
            for (Future<?> other : others) {
                other.get();
            }
            for (String pipeline : pipelines) {
                await().atMost(Duration.ofSeconds(30)).until(() -> PipelineFlowTest.workflows(server, admin, pipeline)
                        .values().stream().allMatch(w -> WorkflowStateMachine.isFinalWorkflow(w.get("status")
                                .asText())));
                Map<String, JsonNode> workflows = PipelineFlowTest.workflows(server, admin, pipeline);
                assertThat(workflows.get("gate").get("status").asText()).isEqualTo("canceled");
                Map<String, JsonNode> gate = PipelineFlowTest.jobs(server, admin, workflows.get("gate").get("id")
                        .asText());
                HttpResponse<String> approval = approvals.get(pipeline).get();
                if (approval.statusCode() == 202) {
                    assertThat(gate.get("hold").get("status").asText()).as("an approval answered 202 stands")
                            .isEqualTo("success");
                } else {
                    assertThat(approval.statusCode()).as(approval.body()).isEqualTo(400);
                    assertThat(approval.body()).contains("was canceled");
                    assertThat(gate.get("hold").get("status").asText()).isEqualTo("canceled");
                }
                assertThat(gate.get("deploy").get("status").asText()).isEqualTo("canceled");

                // the solo job's status is its task's, whichever came first; its workflow follows it
                Map<String, JsonNode> solo = PipelineFlowTest.jobs(server, admin, workflows.get("solo").get("id")
                        .asText());
                String one = solo.get("one").get("status").asText();
                assertThat(one).isIn("success", "canceled");
                assertThat(workflows.get("solo").get("status").asText()).isIn("success", "canceled");
                if (one.equals("canceled")) {
                    assertThat(workflows.get("solo").get("status").asText()).isEqualTo("canceled");
                }
            }

            // several reruns of one ended workflow at once: one runs, the others are refused
            String ended = PipelineFlowTest.workflows(server, admin, pipelines.get(0)).get("gate").get("id").asText();
            CountDownLatch again = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> reruns = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reruns.add(pool.submit(after(again, () -> server.send("POST", "/api/v2/workflow/" + ended + "/rerun",
                        admin, "{}"))));
            }
            again.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<HttpResponse<String>> rerun : reruns) {
                codes.add(rerun.get().statusCode());
            }
            assertThat(codes).as("rerun answers").containsOnlyOnce(202).containsOnly(202, 409);
            assertThat(PipelineFlowTest.workflows(server, admin, pipelines.get(0))).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStatusChangeDecidedOnWhatWasReadNeverOverwritesAChangeMadeMeanwhile() {
        try (Store store = H2Store.open(temp.resolve("data"))) {
            store.pipelines().createProject(new dev.runway.server.store.Project("p", "gh/acme/app", "app", "acme",
                    "/nowhere", "main", 0));
            String pipeline = store.pipelines().createPipeline("p", "api", "me", "main", null, "abc", "{}", 0).id();
            Workflow workflow = store.pipelines().createWorkflow(pipeline, "w", null, 0, List.of(
                    new PipelineRepository.NewWorkflowJob("hold", "approval", "on_hold", "{}", null, null, 1, null,
                            null, null)), 0);
            WorkflowJob read = store.pipelines().workflowJobs(workflow.id()).get(0);
            assertThat(store.pipelines().approve(read.id(), "someone", 1)).isTrue();
            // the scheduler read on_hold before the approval: its cancel must not land
            assertThat(store.pipelines().updateWorkflowJob(read.id(), read.status(), "canceled", "late", null, 2L))
                    .isFalse();
            assertThat(store.pipelines().workflowJob(read.id()).orElseThrow().status()).isEqualTo("success");
            // a cancel flag set after the status was decided makes the workflow's update fail too
            store.pipelines().requestCancel(workflow.id(), "someone", 3);
            assertThat(store.pipelines().updateWorkflow(workflow.id(), "running", false, "success", 4L)).isFalse();
            assertThat(store.pipelines().updateWorkflow(workflow.id(), "running", true, "canceled", 4L)).isTrue();
        }
    }

    private static <T> Callable<T> after(CountDownLatch go, Callable<T> call) {
        return () -> {
            go.await();
            return call.call();
        };
    }

    private static boolean gateOnHold(TestServer server, String admin, String pipeline) {
        try {
            JsonNode gate = PipelineFlowTest.workflows(server, admin, pipeline).get("gate");
            return gate != null && gate.get("status").asText().equals("on_hold");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
