package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.testsupport.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real jobs through the real server (in this JVM), run by the task agent with real shells. */
class TaskAgentJobTest {
    @TempDir
    static Path serverData;
    private static ServerFixture server;

    @TempDir
    Path workDir;
    @TempDir
    Path home;
    private final String marker = "runway-test-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerFixture.inProcess(serverData);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** A finished run: what the task agent answered and what the server stored. */
    private record Run(ClaimResponse claim, TaskResult result, JobStatus status) {
        StepStatus step(int index) {
            return status.steps().get(index).status();
        }
    }

    private TaskAgent agent(ClaimResponse claim) {
        return agent(claim, Duration.ZERO, Duration.ofMillis(300));
    }

    private TaskAgent agent(ClaimResponse claim, Duration maxRunTime, Duration cancelCheckInterval) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", home.toString());
        TaskAgentSettings settings = TaskAgentSettings.defaults(workDir, env, maxRunTime)
                .withCancelGrace(Duration.ofSeconds(1)).withCancelCheckInterval(cancelCheckInterval);
        return new TaskAgent(server.taskClient(claim), claim.taskToken(), settings);
    }

    private Run run(JobSubmission job) throws Exception {
        ClaimResponse claim = server.submitAndClaim(job);
        TaskResult result = agent(claim).run();
        return new Run(claim, result, server.status(claim.jobId()));
    }

    private Run run(String... steps) throws Exception {
        return run(server.job(ServerFixture.steps(steps), null, null, null));
    }

    private String output(Run run, int step) throws Exception {
        return server.outputText(run.claim().jobId(), step);
    }

    @Test
    void theTasksFirstLogLineWaitsForLoggingOnlyOnceItsFirstStepRuns() throws Exception {
        // the first step ends only once the first line was let through: it is running when that happens
        Path logged = workDir.resolve("logged");
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps("{\"run\": \"until [ -e " + logged
                + " ]; do sleep 0.05; done\"}", "{\"run\": \"true\"}"), null, null, null));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", home.toString());
        TaskAgentSettings settings = TaskAgentSettings.defaults(workDir, env, Duration.ZERO);
        List<StepStatus> firstStepWhenLogging = new java.util.ArrayList<>();
        TaskResult result = new TaskAgent(server.taskClient(claim), claim.taskToken(), settings, () -> {
            try {
                firstStepWhenLogging.add(server.status(claim.jobId()).steps().get(0).status());
                Files.createFile(logged);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).run();
        assertThat(result.status()).isEqualTo(TaskStatus.SUCCESS);
        // once, and not before the job's first command: the step was running (reported started, not yet over)
        assertThat(firstStepWhenLogging).containsExactly(StepStatus.RUNNING);
    }

    @Test
    void failingStepFailsTheJobThenOnlyOnFailAndAlwaysStepsRun() throws Exception {
        Run run = run("{\"run\": \"echo one\"}",
                "{\"run\": {\"name\": \"breaks\", \"command\": \"echo two; exit 3\"}}",
                "{\"run\": \"echo not me\"}",
                "{\"run\": {\"command\": \"echo handling failure\", \"when\": \"on_fail\"}}",
                "{\"run\": {\"command\": \"echo always\", \"when\": \"always\"}}",
                "{\"run\": {\"command\": \"echo not me either\", \"when\": \"on_success\"}}");
        assertThat(run.result().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(run.status().state()).isEqualTo(JobState.FAILED);
        assertThat(run.status().reason()).contains("step 2 (breaks)").contains("exited with code 3");
        assertThat(List.of(run.step(0), run.step(1), run.step(2), run.step(3), run.step(4), run.step(5)))
                .containsExactly(StepStatus.SUCCESS, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.SUCCESS,
                        StepStatus.SUCCESS, StepStatus.SKIPPED);
        assertThat(run.status().steps().get(1).exitCode()).isEqualTo(3);
        assertThat(output(run, 0)).isEqualTo("one\n");
        assertThat(output(run, 1)).isEqualTo("two\n");
        assertThat(output(run, 2)).isEmpty();
        assertThat(output(run, 3)).isEqualTo("handling failure\n");
        assertThat(output(run, 4)).isEqualTo("always\n");
    }

    @Test
    void aFailingStepIsRerunUpToMaxAutoRerunsItsOutputFollowingTheEarlierAttempts() throws Exception {
        String counter = "attempts-" + java.util.UUID.randomUUID();
        String flaky = "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter
                + "; echo attempt $n; [ $n -ge 3 ]";
        Run recovers = run("{\"run\": {\"command\": \"" + flaky + "\", \"max_auto_reruns\": 2,"
                + " \"auto_rerun_delay\": \"1s\"}}");
        assertThat(recovers.status().state()).isEqualTo(JobState.SUCCESS);
        assertThat(recovers.step(0)).isEqualTo(StepStatus.SUCCESS);
        assertThat(output(recovers, 0)).isEqualTo("attempt 1\n\n[runway] the step failed; rerunning it (1 of 2) in 1s\n"
                + "attempt 2\n\n[runway] the step failed; rerunning it (2 of 2) in 1s\nattempt 3\n");

        String always = "always-" + java.util.UUID.randomUUID();
        Run fails = run("{\"run\": {\"command\": \"n=$(cat " + always + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > "
                + always + "; echo attempt $n; exit 4\", \"max_auto_reruns\": 1}}", "{\"run\": \"echo next\"}");
        assertThat(fails.status().state()).isEqualTo(JobState.FAILED);
        assertThat(fails.status().steps().get(0).exitCode()).isEqualTo(4);
        assertThat(output(fails, 0)).isEqualTo("attempt 1\n\n[runway] the step failed; rerunning it (1 of 1)\n"
                + "attempt 2\n");
        assertThat(fails.step(1)).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void successfulJobSkipsOnFailSteps() throws Exception {
        Run run = run("{\"run\": \"echo fine\"}", "{\"run\": {\"command\": \"echo nope\", \"when\": \"on_fail\"}}");
        assertThat(run.status().state()).isEqualTo(JobState.SUCCESS);
        assertThat(run.step(0)).isEqualTo(StepStatus.SUCCESS);
        assertThat(run.step(1)).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void stepsSeeCircleCiEnvironmentJobAndStepVariablesAndBashEnv() throws Exception {
        Run run = run(server.job(ServerFixture.steps(
                "{\"run\": \"echo \\\"export CARRIED=from-step-one\\\" >> $BASH_ENV\"}",
                "{\"run\": {\"command\": \"echo CI=$CI CIRCLECI=$CIRCLECI JOB=$CIRCLE_JOB NUM=$CIRCLE_BUILD_NUM;"
                        + " echo WD=$CIRCLE_WORKING_DIRECTORY SHA=$CIRCLE_SHA1 BRANCH=$CIRCLE_BRANCH;"
                        + " echo JOBVAR=$JOBVAR STEPVAR=$STEPVAR CARRIED=$CARRIED\","
                        + " \"environment\": {\"STEPVAR\": \"s\", \"JOBVAR\": \"overridden\"}}}",
                "{\"run\": \"echo JOBVAR=$JOBVAR STEPVAR=${STEPVAR:-unset}; env\"}"),
                Map.of("JOBVAR", "j"), null, new Checkout("/nonexistent", "abc123", "feature/x")));
        assertThat(run.status().state()).isEqualTo(JobState.SUCCESS);
        String build = Long.toString(run.status().buildNum());
        assertThat(output(run, 1)).isEqualTo("CI=true CIRCLECI=true JOB=test-job NUM=" + build + "\n"
                + "WD=" + workDir + " SHA=abc123 BRANCH=feature/x\n"
                + "JOBVAR=overridden STEPVAR=s CARRIED=from-step-one\n");
        // the task token is in no step's environment (it would show masked)
        assertThat(output(run, 2)).startsWith("JOBVAR=j STEPVAR=unset\n").contains("CIRCLECI=true")
                .doesNotContain("********").doesNotContain(run.claim().taskToken());
    }

    @Test
    void workingDirectoryExpandsTildeResolvesRelativePathsAndIsCreated() throws Exception {
        Run run = run("{\"run\": \"pwd\"}",
                "{\"run\": {\"command\": \"pwd\", \"working_directory\": \"~/under-home\"}}",
                "{\"run\": {\"command\": \"pwd\", \"working_directory\": \"relative/dir\"}}",
                "{\"run\": {\"command\": \"pwd\", \"working_directory\": \"~\"}}");
        assertThat(run.status().state()).isEqualTo(JobState.SUCCESS);
        assertThat(output(run, 0)).isEqualTo(workDir.toRealPath() + "\n");
        assertThat(output(run, 1)).isEqualTo(home.toRealPath().resolve("under-home") + "\n");
        assertThat(output(run, 2)).isEqualTo(workDir.toRealPath().resolve("relative/dir") + "\n");
        assertThat(output(run, 3)).isEqualTo(home.toRealPath() + "\n");
    }

    @Test
    void checkoutClonesTheRevisionFromALocalBareRepository(@TempDir Path repos) throws Exception {
        Path bare = repos.resolve("origin.git");
        Path seed = repos.resolve("seed");
        git(repos, "init", "-q", "--bare", bare.toString());
        git(repos, "init", "-q", "-b", "main", seed.toString());
        Files.writeString(seed.resolve("hello.txt"), "first\n");
        git(seed, "add", "hello.txt");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        String first = git(seed, "rev-parse", "HEAD");
        Files.writeString(seed.resolve("hello.txt"), "second\n");
        git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "second");
        git(seed, "push", "-q", bare.toString(), "main");

        Run run = run(server.job(ServerFixture.steps("\"checkout\"",
                "{\"run\": \"cat hello.txt; git rev-parse HEAD; git rev-parse --abbrev-ref HEAD\"}"),
                null, null, new Checkout(bare.toString(), first, "main")));
        assertThat(run.status().state()).as(output(run, 0)).isEqualTo(JobState.SUCCESS);
        assertThat(run.status().steps().get(0).name()).isEqualTo("Checkout code");
        assertThat(output(run, 1)).isEqualTo("first\n" + first + "\nmain\n");
    }

    @Test
    void checkoutIntoANonEmptyDirectoryThatIsNoRepositoryFails() throws Exception {
        Files.writeString(workDir.resolve("stray"), "x");
        Run run = run(server.job(ServerFixture.steps("\"checkout\""), null, null,
                new Checkout("/nonexistent.git", null, "main")));
        assertThat(run.step(0)).isEqualTo(StepStatus.FAILED);
        assertThat(output(run, 0)).contains("is not empty and not a git repository");
    }

    @Test
    void backgroundStepRunsAlongsideLaterStepsAndIsStoppedAtTheEnd() throws Exception {
        Run run = run("{\"run\": {\"name\": \"server\", \"background\": true, \"command\":"
                        + " \"echo bg-started > bg.flag; echo background up; exec -a " + marker + " sleep 1000\"}}",
                "{\"run\": \"for i in $(seq 300); do [ -f bg.flag ] && break; sleep 0.1; done; cat bg.flag\"}");
        assertThat(run.status().state()).isEqualTo(JobState.SUCCESS);
        assertThat(output(run, 1)).isEqualTo("bg-started\n");
        assertThat(output(run, 0)).isEqualTo("background up\n");
        assertThat(run.step(0)).isEqualTo(StepStatus.SUCCESS);
        assertThat(run.status().steps().get(0).reason()).contains("stopped at the end of the job");
        assertThat(ProcessTable.withMarker(marker)).isEmpty();
    }

    @Test
    void aDaemonStartedWithSetsidIsGoneWhenItsStepEnds() throws Exception {
        try {
            Run run = run("{\"run\": \"setsid bash -c 'exec -a " + marker + " sleep 1000' & sleep 0.3; echo spawned\"}",
                    "{\"run\": \"if pgrep -f '" + marker + "' >/dev/null; then echo still running; exit 1; fi;"
                            + " echo daemon gone\"}");
            assertThat(run.status().state()).as(output(run, 1)).isEqualTo(JobState.SUCCESS);
            assertThat(output(run, 1)).isEqualTo("daemon gone\n");
            assertThat(ProcessTable.withMarker(marker)).isEmpty();
        } finally {
            ProcessTable.kill(marker);
        }
    }

    @Test
    void aQuietStepIsStoppedAfterItsNoOutputTimeoutAndTheJobEndsTimedOut() throws Exception {
        Run run = run("{\"run\": {\"command\": \"echo start; sleep 60\", \"no_output_timeout\": \"1s\"}}",
                "{\"run\": {\"command\": \"echo after\", \"when\": \"always\"}}");
        assertThat(run.step(0)).isEqualTo(StepStatus.TIMEDOUT);
        assertThat(run.result().status()).isEqualTo(TaskStatus.TIMEDOUT);
        assertThat(run.status().state()).isEqualTo(JobState.TIMEDOUT);
        assertThat(output(run, 0)).startsWith("start\n").contains("Too long with no output (exceeded 1s)");
        assertThat(run.status().steps().get(0).durationMillis()).isLessThan(20_000L);
        assertThat(output(run, 1)).isEqualTo("after\n");
    }

    @Test
    void cancelingTheJobStopsAQuietStepAndReportsCanceled() throws Exception {
        // the step is quiet: the task agent's own periodic check notices the cancel
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"trap 'echo got TERM; exit 143' TERM; echo ready; sleep 60 & wait\"}",
                "{\"run\": {\"command\": \"echo cleanup\", \"when\": \"always\"}}"), null, null, null));
        JobStatus status = cancelOnceReady(claim, agent(claim));
        assertThat(status.steps().get(0).status()).isEqualTo(StepStatus.CANCELED);
        assertThat(status.steps().get(1).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(server.outputText(claim.jobId(), 0)).contains("ready\n").contains("got TERM");
    }

    @Test
    void cancelReachesABusyStepThroughTheOutputAcknowledgements() throws Exception {
        // no periodic check within the test's time: only the answers to output chunks can carry the cancel
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"echo ready; while true; do echo tick; sleep 0.05; done\"}"), null, null, null));
        JobStatus status = cancelOnceReady(claim, agent(claim, Duration.ZERO, Duration.ofHours(1)));
        assertThat(status.steps().get(0).status()).isEqualTo(StepStatus.CANCELED);
        assertThat(server.outputText(claim.jobId(), 0)).contains("tick\n")
                .endsWith("[runway] step stopped: the job was canceled\n");
    }

    private JobStatus cancelOnceReady(ClaimResponse claim, TaskAgent agent) throws Exception {
        CompletableFuture<TaskResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> server.outputText(claim.jobId(), 0).contains("ready"));
        server.cancel(claim.jobId());
        TaskResult finished = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
        JobStatus status = server.status(claim.jobId());
        assertThat(finished.status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(status.state()).isEqualTo(JobState.CANCELED);
        return status;
    }

    @Test
    void aJobPastItsMaxRunTimeIsStoppedAndEndsTimedOut() throws Exception {
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"echo working; sleep 60\"}", "{\"run\": \"echo next\"}"), null, null, null));
        TaskResult result = agent(claim, Duration.ofSeconds(1), Duration.ofMillis(300)).run();
        JobStatus status = server.status(claim.jobId());
        assertThat(result.status()).isEqualTo(TaskStatus.TIMEDOUT);
        assertThat(status.state()).isEqualTo(JobState.TIMEDOUT);
        assertThat(status.reason()).contains("max run time (1s)");
        assertThat(status.steps().get(0).status()).isEqualTo(StepStatus.TIMEDOUT);
        assertThat(status.steps().get(1).status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void aBackgroundStepThatFailsFailsTheJobWithoutStoppingTheOthers() throws Exception {
        Run run = run("{\"run\": {\"background\": true, \"command\": \"echo bg; exit 5\"}}",
                "{\"run\": \"sleep 0.5; echo foreground\"}");
        assertThat(run.step(0)).isEqualTo(StepStatus.FAILED);
        assertThat(run.step(1)).isEqualTo(StepStatus.SUCCESS);
        assertThat(output(run, 1)).isEqualTo("foreground\n");
        assertThat(run.status().state()).isEqualTo(JobState.FAILED);
        assertThat(run.status().reason()).contains("step 1").contains("exited with code 5");
    }

    @Test
    void secretsAreMaskedEvenWhenWrittenInPieces() throws Exception {
        String secret = "s3cr3t-v@lue-123";
        String multiLine = "line-one-of-key\nline-two-of-key";
        Run run = run(server.job(ServerFixture.steps(
                "{\"run\": \"printf 'key=s3cr3t-'; sleep 0.3; printf 'v@lue-123;\\\\n'; echo \\\"$API_KEY\\\";"
                        + " echo \\\"$CERT\\\"; echo \\\"$PLAIN\\\"\"}"),
                Map.of("PLAIN", "visible-value"), Map.of("API_KEY", secret, "CERT", multiLine), null));
        assertThat(run.status().state()).isEqualTo(JobState.SUCCESS);
        String output = output(run, 0);
        assertThat(output).isEqualTo("key=********;\n********\n********\nvisible-value\n");
    }

    @Test
    void outputTheServerLostAfterAcknowledgingItFailsTheTaskInsteadOfLeavingAHole() throws Exception {
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"for i in $(seq 100); do echo line $i; sleep 0.05; done\"}"), null, null, null));
        CompletableFuture<TaskResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return agent(claim).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> server.outputText(claim.jobId(), 0).contains("line 10\n"));
        // the server's file is the truth about what it holds: make it forget what it acknowledged
        Path log = serverData.resolve("output").resolve(claim.taskId()).resolve("0.log");
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(log,
                java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(0);
        }
        TaskResult finished = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(finished.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(finished.reason()).contains("output could not be stored");
        assertThat(server.status(claim.jobId()).steps().get(0).status()).isEqualTo(StepStatus.FAILED);
    }

    @Test
    void theTaskTokenIsMaskedShouldAStepEverPrintIt() throws Exception {
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"echo token=$(cat token.txt)\"}"), null, null, null));
        Files.writeString(workDir.resolve("token.txt"), claim.taskToken());
        agent(claim).run();
        assertThat(server.outputText(claim.jobId(), 0)).isEqualTo("token=********\n");
    }

    @Test
    void aStepChoosesItsShell() throws Exception {
        Run run = run("{\"run\": {\"shell\": \"/bin/bash\", \"command\": \"false; echo no -e here\"}}",
                "{\"run\": {\"shell\": \"/bin/sh -e\", \"command\": \"echo sh; false; echo not reached\"}}");
        assertThat(run.step(0)).isEqualTo(StepStatus.SUCCESS);
        assertThat(output(run, 0)).isEqualTo("no -e here\n");
        assertThat(run.step(1)).isEqualTo(StepStatus.FAILED);
        assertThat(output(run, 1)).isEqualTo("sh\n");
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
