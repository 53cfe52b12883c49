package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task token opens its task only while that attempt is the live one: after the task ended, and once its lease
 * lapsed and another attempt took the job, no route (not the job with its secrets, not the heartbeat) accepts it. A
 * pipeline task's checkout credential lives exactly as long.
 */
class TaskTokenLifetimeTest {
    @TempDir
    Path data;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static final String SECRET = "the-job-secret-value";

    private JobsApi.JobStatus submit() throws Exception {
        return server.admin.submitJob(new JobsApi.JobSubmission(TestServer.RESOURCE_CLASS, "secretive",
                JobsApi.JobSubmission.ofCommands("x/y", "n", "true").steps(), java.util.Map.of(),
                java.util.Map.of("DEPLOY_KEY", SECRET), null, "1h"));
    }

    /** Every task route, called with {@code token}: none may answer 2xx, none may show the secret. */
    private void assertRefusedEverywhere(ClaimResponse claim) throws Exception {
        String task = claim.taskId();
        String token = claim.taskToken();
        List<String[]> calls = List.of(
                new String[] {"GET", ApiPaths.taskJob(task), null},
                new String[] {"POST", ApiPaths.heartbeat(task), null},
                new String[] {"POST", ApiPaths.stepStart(task, 0), "{\"name\":\"x\"}"},
                new String[] {"POST", ApiPaths.stepOutput(task, 0) + "?offset=0", "bytes"},
                new String[] {"POST", ApiPaths.stepResult(task, 0), "{\"status\":\"success\"}"},
                new String[] {"POST", ApiPaths.taskResult(task), "{\"status\":\"success\"}"},
                new String[] {"POST", ApiPaths.unclaim(task), null},
                new String[] {"POST", ApiPaths.fail(task), "{\"reason\":\"x\"}"});
        for (String[] call : calls) {
            HttpResponse<String> answer = server.send(call[0], call[1], token, call[2]);
            assertThat(answer.statusCode()).as(call[0] + " " + call[1] + ": " + answer.body()).isEqualTo(410);
            assertThat(answer.body()).doesNotContain(SECRET);
        }
    }

    @Test
    void theTokenOfAFinishedTaskOpensNothing() throws Exception {
        server = new TestServer(data);
        var runner = server.runner(server.resourceClassToken());
        submit();
        ClaimResponse claim = runner
                .claim(TestServer.claimRequest("r1", 0)).orElseThrow();
        assertThat(server.send("GET", ApiPaths.taskJob(claim.taskId()), claim.taskToken(), null).body())
                .contains(SECRET);
        assertThat(server.send("POST", ApiPaths.taskResult(claim.taskId()), claim.taskToken(),
                "{\"status\":\"success\"}").statusCode()).isEqualTo(200);

        assertRefusedEverywhere(claim);
    }

    @Test
    void theTokenOfALapsedAttemptOpensNothingWhileTheNextAttemptRuns() throws Exception {
        server = new TestServer(new ServerSettings(data, "127.0.0.1", 0).withLease(Duration.ofMillis(300)));
        var runner = server.runner(server.resourceClassToken());
        JobsApi.JobStatus job = submit();
        ClaimResponse first = runner.claim(TestServer.claimRequest("r1", 0)).orElseThrow();
        RunnerProtocolTest.waitUntil(() -> server.admin.jobStatus(job.id()).state() == JobState.QUEUED);
        ClaimResponse second = runner.claim(TestServer.claimRequest("r2", 5)).orElseThrow();
        assertThat(second.taskId()).isNotEqualTo(first.taskId());
        assertThat(server.send("GET", ApiPaths.taskJob(second.taskId()), second.taskToken(), null).statusCode())
                .as("the live attempt's token opens its job").isEqualTo(200);

        assertRefusedEverywhere(first);
    }

    /** The checkout credential that came with a task's job (a pipeline's), read with the task token. */
    private String checkoutCredential(ClaimResponse claim) throws Exception {
        HttpResponse<String> job = server.send("GET", ApiPaths.taskJob(claim.taskId()), claim.taskToken(), null);
        assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
        return dev.runway.protocol.Json.mapper().readTree(job.body()).at("/checkout/credential").asText();
    }

    @Test
    void theCheckoutCredentialOfALapsedAttemptOpensNothingWhileTheNextAttemptRuns(@TempDir Path repoDir)
            throws Exception {
        Path repo = PipelineFlowTest.repository(repoDir, """
                version: 2.1
                jobs:
                  build:
                    machine: true
                    resource_class: %s
                    steps: [checkout]
                workflows:
                  main: {jobs: [build]}
                """.formatted(TestServer.RESOURCE_CLASS));
        server = new TestServer(new ServerSettings(data, "127.0.0.1", 0).withLease(Duration.ofMillis(300)));
        var runner = server.runner(server.resourceClassToken());
        String admin = server.server.adminToken();
        assertThat(server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \""
                + repo + "\", \"name\": \"app\"}").statusCode()).isEqualTo(201);
        assertThat(server.send("POST", "/api/v2/project/gh/acme/app/pipeline", admin, "{\"branch\": \"main\"}")
                .statusCode()).isEqualTo(201);
        ClaimResponse first = runner.claim(TestServer.claimRequest("r1", 10)).orElseThrow();
        String firstCredential = checkoutCredential(first);
        String refs = "/info/refs?service=git-upload-pack";
        assertThat(server.send("GET", ApiPaths.gitMirror(first.taskId()) + refs, firstCredential, null).statusCode())
                .isEqualTo(200);
        RunnerProtocolTest.waitUntil(() -> server.admin.jobStatus(first.jobId()).state() == JobState.QUEUED);
        ClaimResponse second = runner.claim(TestServer.claimRequest("r2", 5)).orElseThrow();
        String secondCredential = checkoutCredential(second);
        assertThat(secondCredential).isNotEqualTo(firstCredential);

        assertThat(server.send("GET", ApiPaths.gitMirror(second.taskId()) + refs, secondCredential, null)
                .statusCode()).as("the live attempt's credential opens its mirror").isEqualTo(200);
        assertThat(server.send("GET", ApiPaths.gitMirror(first.taskId()) + refs, firstCredential, null)
                .statusCode()).isEqualTo(410);
        assertThat(server.send("POST", ApiPaths.gitMirror(first.taskId()) + "/git-upload-pack", firstCredential,
                "0000").statusCode()).isEqualTo(410);
        assertThat(server.send("GET", ApiPaths.gitMirror(second.taskId()) + refs, firstCredential, null)
                .statusCode()).isEqualTo(403);
    }
}
