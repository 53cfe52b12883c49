package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.client.ApiException;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim for a busy slot ({@code after_tasks}): the server holds it while the named tasks run, even with jobs
 * queued, and answers it with a queued job once one of them is closed, naming that task; it refuses tasks that are not
 * the runner's own.
 */
class ClaimAfterTasksTest {
    @TempDir
    Path data;
    TestServer server;
    RunnerClient runner;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new ServerSettings(data, "127.0.0.1", 0, Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(60), 3, DataProtection.DEFAULT, ConnectionLimits.DEFAULT,
                null));
        runner = server.runner(server.resourceClassToken());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyClaimAnswerSaysTheServerTakesClaimsAfterTasks() throws Exception {
        assertThat(runner.claimsAfterTasks()).isFalse();
        assertThat(runner.claim(TestServer.claimRequest("r", 0))).isEmpty();
        assertThat(runner.claimsAfterTasks()).isTrue();
    }

    @Test
    void aClaimForABusySlotWaitsForItsTasksResultAndNamesIt() throws Exception {
        TaskClient first = claimed("r", submit("first"));
        JobStatus second = submit("second");
        CompletableFuture<Optional<ClaimResponse>> held = claimAfter("r", List.of(first.taskId()), 20);
        // a job is queued, but the slot is still the first task's; and the held claim waits, it does not look again
        // and again (a second of such looks is most of a core)
        Thread.sleep(300);
        long ticksBefore = cpuTicks();
        Thread.sleep(1000);
        assertThat(cpuTicks() - ticksBefore).as("CPU of this JVM while the claim is held, in 1/100 s")
                .isLessThan(40);
        assertThat(held).isNotDone();
        assertThat(server.admin.jobStatus(second.id()).state()).isEqualTo(JobState.QUEUED);

        first.heartbeat();
        first.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
        ClaimResponse next = held.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(next.jobId()).isEqualTo(second.id());
        assertThat(next.replacesTask()).isEqualTo(first.taskId());
    }

    @Test
    void aTaskClosedByItsLapsedLeaseAlsoFreesTheClaim() throws Exception {
        JobStatus firstJob = submit("first");
        TaskClient first = claimed("r", firstJob); // never confirmed: its 2 s lease lapses and its job is requeued
        JobStatus second = submit("second");
        ClaimResponse next = claimAfter("r", List.of(first.taskId()), 20).get(15, TimeUnit.SECONDS).orElseThrow();
        assertThat(next.replacesTask()).isEqualTo(first.taskId());
        assertThat(next.jobId()).isIn(firstJob.id(), second.id());
    }

    @Test
    void aClosedTaskMakesItAClaimLikeAnyOtherThatWaitsForAJob() throws Exception {
        TaskClient first = claimed("r", submit("first"));
        first.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
        CompletableFuture<Optional<ClaimResponse>> held = claimAfter("r", List.of(first.taskId()), 20);
        RunnerProtocolTest.waitUntil(() -> server.server.waitingClaims() == 1);
        JobStatus late = submit("late");
        ClaimResponse next = held.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(next.jobId()).isEqualTo(late.id());
        assertThat(next.replacesTask()).isEqualTo(first.taskId());
    }

    @Test
    void aClaimForBusySlotsEndsEmptyWhenNoneOfThemClosesInTime() throws Exception {
        TaskClient first = claimed("r", submit("first"));
        first.heartbeat(); // the full lease: 2 s
        submit("queued");
        assertThat(claimAfter("r", List.of(first.taskId()), 1).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aServerThatStopsAnswersAHeldClaimForABusySlotWithNoTask() throws Exception {
        TaskClient first = claimed("r", submit("first"));
        first.heartbeat();
        CompletableFuture<Optional<ClaimResponse>> held = claimAfter("r", List.of(first.taskId()), 20);
        Thread.sleep(300); // held by the server by now (it answers at once otherwise, and the test still holds)
        server.close();
        assertThat(held.get(15, TimeUnit.SECONDS)).as("204, not a cut connection").isEmpty();
    }

    @Test
    void anotherRunnersTaskIsRefusedWithItsId() throws Exception {
        TaskClient theirs = claimed("other", submit("theirs"));
        assertThatThrownBy(() -> runner.claim(afterRequest("r", List.of(theirs.taskId()), 0)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("after_tasks: task " + theirs.taskId() + " is not one that runner r of "
                        + TestServer.RESOURCE_CLASS + " holds");
        assertThatThrownBy(() -> runner.claim(afterRequest("r", List.of("../x"), 0)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("after_tasks");
        assertThatThrownBy(() -> runner.claim(afterRequest("r", List.of(), 0)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("after_tasks: must list 1 to");
    }

    /** User and system CPU of this process so far, in clock ticks (1/100 s), from /proc/self/stat. */
    private static long cpuTicks() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime, fields 14 and 15
    }

    private JobStatus submit(String name) throws Exception {
        return server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, name, "true"));
    }

    private TaskClient claimed(String runnerName, JobStatus job) throws Exception {
        ClaimResponse claim = runner.claim(TestServer.claimRequest(runnerName, 5)).orElseThrow();
        assertThat(claim.jobId()).isEqualTo(job.id());
        assertThat(claim.replacesTask()).isNull();
        return runner.forTask(claim);
    }

    private CompletableFuture<Optional<ClaimResponse>> claimAfter(String runnerName, List<String> tasks,
            int waitSeconds) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(afterRequest(runnerName, tasks, waitSeconds));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static ClaimRequest afterRequest(String name, List<String> tasks, int waitSeconds) {
        return new ClaimRequest(name, "host-" + name, "0.1.0", "linux", "amd64", 0, waitSeconds, tasks);
    }
}
