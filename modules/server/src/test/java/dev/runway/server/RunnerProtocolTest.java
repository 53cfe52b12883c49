package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.client.ManagementClient.OutputChunk;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerProtocolTest {
    @TempDir
    Path data;
    TestServer server;
    RunnerClient runner;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(data);
        runner = server.runner(server.resourceClassToken());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void claimRunsAJobThroughHeartbeatOutputAndResults() throws Exception {
        JobsApi.JobSubmission submission = new JobsApi.JobSubmission(TestServer.RESOURCE_CLASS, "build",
                JobsApi.JobSubmission.ofCommands("x/y", "n", "echo one", "echo two").steps(), Map.of("A", "1"),
                Map.of("SECRET", "s3cr3t"), null, "1h");
        JobStatus submitted = server.admin.submitJob(submission);
        assertThat(submitted.state()).isEqualTo(JobState.QUEUED);

        ClaimResponse claim = runner.claim(TestServer.claimRequest("runner-1", 5)).orElseThrow();
        assertThat(claim.jobId()).isEqualTo(submitted.id());
        assertThat(claim.allocation()).matches("[a-z0-9-]+");
        assertThat(claim.maxRunTimeSeconds()).isEqualTo(3600);
        TaskClient task = runner.forTask(claim);

        TaskJob job = task.job();
        assertThat(job.steps()).extracting(RunnerApi.StepSpec::command).containsExactly("echo one", "echo two");
        assertThat(job.environment()).containsEntry("A", "1").containsEntry("SECRET", "s3cr3t");
        assertThat(job.secretNames()).containsExactly("SECRET");
        assertThat(task.heartbeat().canceled()).isFalse();

        task.stepStarted(0, new StepStart("echo one", null));
        byte[] hello = "hello ".getBytes(StandardCharsets.UTF_8);
        assertThat(task.appendOutput(0, 0, hello, hello.length, 1000).nextOffset()).isEqualTo(6);
        // a resent chunk is not stored twice; an overlapping one adds only its new bytes
        assertThat(task.appendOutput(0, 0, hello, hello.length, 1000).nextOffset()).isEqualTo(6);
        byte[] overlap = "o world\n".getBytes(StandardCharsets.UTF_8);
        assertThat(task.appendOutput(0, 4, overlap, overlap.length, 1001).nextOffset()).isEqualTo(12);
        assertThatThrownBy(() -> task.appendOutput(0, 20, hello, hello.length, 1002))
                .isInstanceOfSatisfying(TaskClient.OffsetMismatchException.class,
                        e -> assertThat(e.expectedOffset()).isEqualTo(12));
        task.stepFinished(0, new StepResult(StepStatus.SUCCESS, 0, null, null, 15, null));
        task.stepStarted(1, new StepStart("echo two", null));
        task.stepFinished(1, new StepResult(StepStatus.FAILED, 3, null, "exit 3", 20, null));
        task.taskFinished(new TaskResult(TaskStatus.FAILED, "step 1 failed"));

        JobStatus done = server.admin.jobStatus(submitted.id());
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(done.runner()).isEqualTo("runner-1");
        assertThat(done.steps()).extracting(JobsApi.StepState::status)
                .containsExactly(StepStatus.SUCCESS, StepStatus.FAILED);
        assertThat(done.steps().get(1).exitCode()).isEqualTo(3);
        assertThat(done.steps().get(0).outputBytes()).isEqualTo(12);
        OutputChunk out = server.admin.jobOutput(submitted.id(), 0, 0, Duration.ZERO);
        assertThat(new String(out.data(), StandardCharsets.UTF_8)).isEqualTo("hello world\n");
        assertThat(out.complete()).isTrue();
        // the task token is for a finished task now
        assertThatThrownBy(() -> task.stepStarted(1, new StepStart("again", null)))
                .hasMessageContaining("410");
    }

    @Test
    void aHeldClaimGetsAJobSubmittedWhileItWaits() throws Exception {
        CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(TestServer.claimRequest("waiting", 20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        waitUntil(() -> server.server.waitingClaims() == 1);
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "late",
                "true"));
        assertThat(held.get().orElseThrow().jobId()).isEqualTo(job.id());
    }

    @Test
    void anEmptyQueueAnswersNoContentWhenTheWaitEnds() throws Exception {
        assertThat(runner.claim(TestServer.claimRequest("idle", 1))).isEmpty();
        assertThat(server.admin.listRunnersOfResourceClass(TestServer.RESOURCE_CLASS).items())
                .extracting(r -> r.name()).containsExactly("idle");
    }

    @Test
    void cancelReachesTheRunnerThroughHeartbeatAndOutputAck() throws Exception {
        JobStatus queued = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "q",
                "true"));
        JobStatus running = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "r",
                "sleep 100"));
        assertThat(server.admin.cancelJob(queued.id()).state()).isEqualTo(JobState.CANCELED);
        ClaimResponse claim = runner.claim(TestServer.claimRequest("r1", 5)).orElseThrow();
        assertThat(claim.jobId()).isEqualTo(running.id());
        TaskClient task = runner.forTask(claim);
        assertThat(server.admin.cancelJob(running.id()).cancelRequested()).isTrue();
        assertThat(task.heartbeat().canceled()).isTrue();
        assertThat(task.appendOutput(0, 0, new byte[] {'x'}, 1, 1).canceled()).isTrue();
        task.taskFinished(new TaskResult(TaskStatus.CANCELED, "canceled"));
        assertThat(server.admin.jobStatus(running.id()).state()).isEqualTo(JobState.CANCELED);
    }

    @Test
    void aLapsedLeaseRequeuesThreeTimesThenFails() throws Exception {
        restartWith(new ServerSettings(data, "127.0.0.1", 0).withLease(Duration.ofMillis(300)));
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "lost",
                "true"));
        for (int attempt = 1; attempt <= 4; attempt++) {
            ClaimResponse claim = runner.claim(TestServer.claimRequest("flaky", 10)).orElseThrow();
            assertThat(claim.jobId()).isEqualTo(job.id());
            TaskClient stale = runner.forTask(claim);
            int current = attempt;
            waitUntil(() -> server.admin.jobStatus(job.id()).state() != JobState.RUNNING || current > 4);
            assertThatThrownBy(stale::heartbeat).as("a lapsed task's token is refused: its agents stop it")
                    .isInstanceOfSatisfying(dev.runway.client.ApiException.class,
                            e -> assertThat(e.status()).isEqualTo(410));
        }
        JobStatus failed = server.admin.jobStatus(job.id());
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.attempts()).isEqualTo(4);
        assertThat(failed.reason()).contains("stopped sending heartbeats").contains("requeued 3 times");
    }

    @Test
    void aRestartGivesRunningTasksAFullLeaseToReconnect() throws Exception {
        ServerSettings shortLease = new ServerSettings(data, "127.0.0.1", 0).withLease(Duration.ofMillis(500));
        restartWith(shortLease);
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "kept",
                "true"));
        ClaimResponse claim = runner.claim(TestServer.claimRequest("steady", 5)).orElseThrow();
        server.close();
        Thread.sleep(1000); // longer than the lease: no heartbeat could arrive while the server was down
        server = new TestServer(shortLease);
        TaskClient task = server.runner("unused").forTask(claim);
        assertThat(task.heartbeat().canceled()).isFalse();
        assertThat(server.admin.jobStatus(job.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(server.admin.jobStatus(job.id()).attempts()).isEqualTo(1);
    }

    @Test
    void aClaimNobodyConfirmsGoesBackToTheQueueAfterTheFirstLease() throws Exception {
        String token = restartWith(new ServerSettings(data, "127.0.0.1", 0).withFirstLease(Duration.ofSeconds(1)));
        // The answer reaches a runner that dies before its first heartbeat (or is lost on the way without the
        // server noticing: a claim whose connection visibly closed takes nothing, see AbandonedClaimTest): only the
        // first lease gives the task back.
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "orphan",
                "true"));
        assertThat(server.runner(token).claim(TestServer.claimRequest("doomed", 0))).isPresent();
        assertThat(server.admin.jobStatus(job.id()).state()).isEqualTo(JobState.RUNNING);

        // with the full lease (60 s) this claim's wait (20 s) would end empty
        ClaimResponse again = runner.claim(TestServer.claimRequest("alive", 20)).orElseThrow();

        assertThat(again.jobId()).isEqualTo(job.id());
        assertThat(server.admin.jobStatus(job.id()).attempts()).isEqualTo(2);
    }

    @Test
    void aHeartbeatExtendsTheFirstLeaseToTheFullLease() throws Exception {
        restartWith(new ServerSettings(data, "127.0.0.1", 0).withFirstLease(Duration.ofMillis(500)));
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "kept",
                "true"));
        ClaimResponse claim = runner.claim(TestServer.claimRequest("steady", 5)).orElseThrow();
        assertThat(claim.leaseSeconds()).as("the first lease, in the protocol's whole seconds (at least 1)")
                .isEqualTo(1);
        TaskClient task = runner.forTask(claim);

        RunnerApi.HeartbeatResponse beat = task.heartbeat();
        Thread.sleep(1500); // three first leases, and the lease reaper's rounds in between

        assertThat(beat.leaseSeconds()).isEqualTo(60);
        assertThat(task.heartbeat().canceled()).isFalse();
        assertThat(server.admin.jobStatus(job.id()).state()).isEqualTo(JobState.RUNNING);
        assertThat(server.admin.jobStatus(job.id()).attempts()).isEqualTo(1);
    }

    @Test
    void unclaimGivesTheTaskBackWithoutUsingAnAttempt() throws Exception {
        JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "back",
                "true"));
        runner.forTask(runner.claim(TestServer.claimRequest("drain", 5)).orElseThrow()).unclaim();
        assertThat(server.admin.jobStatus(job.id()).state()).isEqualTo(JobState.QUEUED);
        ClaimResponse again = runner.claim(TestServer.claimRequest("other", 5)).orElseThrow();
        assertThat(again.jobId()).isEqualTo(job.id());
        runner.forTask(again).fail(new RunnerApi.InfraFailure("cannot start", 127, "exec: not found"));
        JobStatus failed = server.admin.jobStatus(job.id());
        assertThat(failed.state()).isEqualTo(JobState.INFRASTRUCTURE_FAIL);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.reason()).contains("cannot start").contains("127").contains("exec: not found");
    }

    /** A new server on the same data directory with {@code settings}, and a runner of a new token; answers it. */
    private String restartWith(ServerSettings settings) throws Exception {
        server.close();
        server = new TestServer(settings);
        String token = server.resourceClassToken();
        runner = server.runner(token);
        return token;
    }

    static void waitUntil(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .pollDelay(Duration.ZERO).until(condition);
    }

}
