package dev.runway.cli.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.cli.Runway;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.TaskAgentInvocation;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class TaskAgentCommandTest {
    private final StringWriter err = new StringWriter();

    private int execute(String stdin, Map<String, String> env, String... args) {
        CommandLine command = new CommandLine(new TaskAgentCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void refusesToRunWithoutATokenOnStandardInput() {
        int exit = execute("  \n", Map.of(), "--api-url", "http://127.0.0.1:1", "--task-id", "t1");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("no task token on standard input");
    }

    @Test
    void namesTheOptionWithABadDuration() {
        int exit = execute("token", Map.of(), "--api-url", "http://127.0.0.1:1", "--task-id", "t1",
                "--max-run-time", "ten minutes");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("--max-run-time").contains("invalid duration \"ten minutes\"");
    }

    /** The launch agent's arguments skip picocli ({@link dev.runway.cli.Main}): the program names the bad option. */
    @Test
    void namesTheBadOptionAlsoWithoutPicocli() {
        TaskAgentInvocation options = TaskAgentInvocation.parse(new String[] {"task-agent", "--api-url",
                "http://127.0.0.1:1", "--task-id", "t1", "--cancel-grace-period", "soon"}, 1).orElseThrow();
        TaskAgentProgram program = new TaskAgentProgram(new ByteArrayInputStream("token\n".getBytes(
                StandardCharsets.UTF_8)), Map.of(), new PrintWriter(err, true));

        assertThatThrownBy(() -> program.run(options)).isInstanceOf(TaskAgentProgram.BadOption.class)
                .hasMessageContaining("--cancel-grace-period").hasMessageContaining("soon");
    }

    @Test
    void refusesAnUrlThatIsNotHttp() {
        int exit = execute("token", Map.of(), "--api-url", "ftp://example.com", "--task-id", "t1");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("--api-url");
    }

    @Test
    void isRegisteredUnderRunway() {
        assertThat(Runway.commandLine().getSubcommands()).containsKey("task-agent");
    }

    @Test
    void theJobsCircleciCommandIsThisJavaRunningRunwaysCircleci(@TempDir Path directory) throws Exception {
        java.util.List<String> command = TaskAgentProgram.circleciCommand();
        assertThat(Path.of(command.get(0))).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"))
                .isExecutable();
        assertThat(command).last().isEqualTo("circleci");

        java.nio.file.Files.writeString(directory.resolve("a.txt"), "a");
        java.util.List<String> glob = new java.util.ArrayList<>(command);
        glob.addAll(java.util.List.of("tests", "glob", "*.txt"));
        Process process = new ProcessBuilder(glob).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("a.txt");
    }

    @Test
    void runsAClaimedTaskWithTheTokenFromStandardInput(@TempDir Path data, @TempDir Path work) throws Exception {
        try (RunwayServer server = RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0))) {
            Claimed claimed = Claimed.job(server, "pwd", "exit 4");
            ManagementClient admin = claimed.admin();
            String jobId = claimed.jobId();
            ClaimResponse claim = claimed.claim();
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CIRCLE_WORKING_DIRECTORY", work.toString());

            int exit = execute(claim.taskToken() + "\n", env, "--api-url", server.uri().toString(), "--task-id",
                    claim.taskId(), "--max-run-time", "1h0m0s");

            assertThat(exit).as("the result was reported: the job failed; " + err)
                    .isEqualTo(TaskAgentInvocation.EXIT_REPORTED_FAILED);
            assertThat(admin.jobStatus(jobId).state()).isEqualTo(JobState.FAILED);
            assertThat(new String(admin.jobOutput(jobId, 0, 0, Duration.ZERO).data(), StandardCharsets.UTF_8))
                    .isEqualTo(work.toRealPath() + "\n");
            assertThat(err.toString()).doesNotContain(claim.taskToken());
        }
    }

    /** The launch agent hands the job over after the token; the task agent runs it without fetching it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "handed over, from-stdin",
            "unreadable, from-server",
            "another task's, from-server",
    })
    void runsTheJobHandedOverOnStandardInputElseFetchesIt(String handedOver, String expectedOutput,
            @TempDir Path data, @TempDir Path work) throws Exception {
        try (RunwayServer server = RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0))) {
            Claimed claimed = Claimed.job(server, "echo from-server");
            ManagementClient admin = claimed.admin();
            String jobId = claimed.jobId();
            ClaimResponse claim = claimed.claim();
            String json = new String(new TaskClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                    claim.taskId(), claim.taskToken()).jobJson(), StandardCharsets.UTF_8);
            String job = switch (handedOver) {
                case "handed over" -> json.replace("echo from-server", "echo from-stdin");
                case "unreadable" -> json.substring(0, json.length() / 2);
                default -> json.replace(claim.taskId(), "another-task").replace("echo from-server", "echo no");
            };
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CIRCLE_WORKING_DIRECTORY", work.toString());

            int exit = execute(claim.taskToken() + "\n" + job, env, "--api-url", server.uri().toString(),
                    "--task-id", claim.taskId());

            assertThat(exit).as(err.toString()).isZero();
            assertThat(admin.jobStatus(jobId).state()).isEqualTo(JobState.SUCCESS);
            assertThat(new String(admin.jobOutput(jobId, 0, 0, Duration.ZERO).data(), StandardCharsets.UTF_8))
                    .isEqualTo(expectedOutput + "\n");
            if (!handedOver.equals("handed over")) {
                assertThat(err.toString()).contains(handedOver.equals("unreadable") ? "unreadable" : "another task's");
            }
            assertThat(err.toString()).doesNotContain(claim.taskToken());
        }
    }

    /** A standby learns its task (id, max run time, working directory) from the line before the token. */
    @Test
    void aStandbyRunsTheTaskHandedOverInItsDirectory(@TempDir Path data, @TempDir Path work,
            @TempDir Path elsewhere) throws Exception {
        try (RunwayServer server = RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0))) {
            Claimed claimed = Claimed.job(server, "pwd; echo \"$CIRCLE_WORKING_DIRECTORY\"");
            ClaimResponse claim = claimed.claim();
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CIRCLE_WORKING_DIRECTORY", elsewhere.toString()); // where it waited
            String handover = "{\"task_id\":\"" + claim.taskId() + "\",\"max_run_time\":\"1h0m0s\","
                    + "\"working_directory\":\"" + work + "\"}\n";

            int exit = execute(handover + claim.taskToken() + "\n", env, "--standby", "--api-url",
                    server.uri().toString());

            assertThat(exit).as(err.toString()).isZero();
            assertThat(claimed.admin().jobStatus(claimed.jobId()).state()).isEqualTo(JobState.SUCCESS);
            assertThat(new String(claimed.admin().jobOutput(claimed.jobId(), 0, 0, Duration.ZERO).data(),
                    StandardCharsets.UTF_8)).isEqualTo(work.toRealPath() + "\n" + work + "\n");
            assertThat(err.toString()).doesNotContain(claim.taskToken());
        }
    }

    /**
     * Told an exit pause (its slot takes the next task before it exits), a standby waits that long once its result is
     * in before it cleans up and exits: the job handed over in its place gets the CPU first.
     */
    @Test
    void aStandbyToldToPauseExitsThatLongAfterItsResultIsIn(@TempDir Path data, @TempDir Path work)
            throws Exception {
        try (RunwayServer server = RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0))) {
            Claimed claimed = Claimed.job(server, "true");
            ClaimResponse claim = claimed.claim();
            String handover = "{\"task_id\":\"" + claim.taskId() + "\",\"max_run_time\":\"1h0m0s\","
                    + "\"working_directory\":\"" + work + "\",\"exit_pause\":\"1.5s\"}\n";
            java.util.concurrent.CompletableFuture<Long> exitedAt = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        int status = execute(handover + claim.taskToken() + "\n", new HashMap<>(System.getenv()),
                                "--standby", "--api-url", server.uri().toString());
                        exitedAt.complete(System.nanoTime());
                        return status;
                    });
            long succeededAt = 0;
            while (succeededAt == 0 && !exit.isDone()) {
                if (claimed.admin().jobStatus(claimed.jobId()).state() == JobState.SUCCESS) {
                    succeededAt = System.nanoTime();
                } else {
                    Thread.sleep(5);
                }
            }

            assertThat(exit.get(30, java.util.concurrent.TimeUnit.SECONDS)).as(err.toString()).isZero();
            assertThat(succeededAt).as("the result was in before the task agent returned").isNotZero();
            assertThat(Duration.ofNanos(exitedAt.get() - succeededAt)).isGreaterThanOrEqualTo(
                    Duration.ofMillis(1_000));
        }
    }

    @Test
    void aStandbyNamesABadExitPause(@TempDir Path work) {
        String handover = "{\"task_id\":\"t-1\",\"max_run_time\":\"1h0m0s\",\"working_directory\":\"" + work
                + "\",\"exit_pause\":\"soon\"}\n";
        int exit = execute(handover + "secret-token-1\n", Map.of(), "--standby", "--api-url", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("exit_pause").doesNotContain("secret-token-1");
    }

    @Test
    void aDismissedStandbyExitsQuietly() {
        int exit = execute("", Map.of(), "--standby", "--api-url", "http://127.0.0.1:1");
        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | the standby's handover line",
            "{\"task_id\":\"t\",\"max_run_time\":\"1h\"} | has no working_directory",
            "{\"task_id\":\"t\",\"max_run_time\":\"soon\",\"working_directory\":\"/w\"} | max_run_time",
    })
    void aStandbyNamesWhatIsWrongWithItsHandoverAndNeverTheToken(String line, String expected) {
        int exit = execute(line + "\nsecret-token-1\n", Map.of(), "--standby", "--api-url", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains(expected).doesNotContain("secret-token-1");
    }

    @Test
    void aStandbyTakesNoTaskIdAndATaskAgentNeedsOne() {
        assertThat(execute("", Map.of(), "--standby", "--api-url", "http://127.0.0.1:1", "--task-id", "t"))
                .isEqualTo(Runway.EXIT_INVALID);
        assertThat(execute("", Map.of(), "--api-url", "http://127.0.0.1:1")).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("no --task-id").contains("Missing required option: '--task-id=ID'");
    }

    @Test
    void refusesAFirstLineTooLongForAToken() {
        int exit = execute("x".repeat(70_000) + "\n{}", Map.of(), "--api-url", "http://127.0.0.1:1", "--task-id",
                "t1");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("first line of more than 65536 bytes");
    }

    /** A job of {@code commands} submitted to a fresh resource class of {@code server}, and claimed. */
    private record Claimed(ManagementClient admin, String jobId, ClaimResponse claim) {
        static Claimed job(RunwayServer server, String... commands) throws Exception {
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(30));
            ManagementClient admin = new ManagementClient(transport, server.adminToken());
            admin.createNamespace("cli", "org-cli");
            admin.createResourceClass("cli/agent", "task agent command test");
            RunnerClient runner = new RunnerClient(transport, admin.createToken("cli/agent", "t").token());
            String jobId = admin.submitJob(JobSubmission.ofCommands("cli/agent", "cli-job", commands)).id();
            ClaimResponse claim = runner.claim(new ClaimRequest("r", "h", "v", "linux", "amd64", 1, 10))
                    .orElseThrow();
            return new Claimed(admin, jobId, claim);
        }
    }
}
