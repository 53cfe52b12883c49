package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.HttpTransport;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The install guide's management commands and the job commands, in process, against a real server. */
class ManagementCommandsTest {
    @TempDir
    Path dir;
    RunwayServer server;
    final Map<String, String> environment = new HashMap<>();

    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        server = RunwayServer.start(new ServerSettings(dir.resolve("data"), "127.0.0.1", 0));
        environment.put("RUNWAY_HOST", server.uri().toString());
        environment.put("CIRCLE_TOKEN", server.adminToken());
        environment.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        environment.put("XDG_DATA_HOME", dir.resolve("share").toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Result runway(String... args) {
        return runway(new StringWriter(), args);
    }

    /** {@link #runway(String...)} printing to {@code out}, which another thread may read while it runs. */
    Result runway(StringWriter out, String... args) {
        CommandLine commandLine = Runway.commandLine();
        inject(commandLine);
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private void inject(CommandLine commandLine) {
        Object command = commandLine.getCommand();
        if (command instanceof ManagementCommand) {
            ((ManagementCommand) command).environment = environment;
        }
        commandLine.getSubcommands().values().forEach(this::inject);
    }

    private String setUpResourceClass() {
        assertThat(runway("namespace", "create", "acme", "github", "acme-inc").exit()).isZero();
        assertThat(runway("runner", "resource-class", "create", "acme/linux", "Linux boxes").exit()).isZero();
        Matcher token = Pattern.compile("auth_token: ([0-9a-f]{64})").matcher(
                runway("runner", "token", "create", "acme/linux", "box-1").out());
        assertThat(token.find()).isTrue();
        return token.group(1);
    }

    @Test
    void namespacesAreListedWithTheirOrganizationIdRenamedAndDeleted() throws Exception {
        Result created = runway("namespace", "create", "acme", "github", "acme-inc");
        Matcher organization = Pattern.compile("organization id ([0-9a-f-]{36})").matcher(created.out());
        assertThat(organization.find()).as(created.out()).isTrue();
        Result list = runway("namespace", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("Organization ID").containsPattern("acme\\s+" + organization.group(1)
                + "\\s+github/acme-inc");
        assertThat(runway("namespace", "get", "acme").out()).contains(organization.group(1));
        assertThat(runway("runner", "resource-class", "create", "acme/linux", "Linux boxes").exit()).isZero();

        Result renamed = runway("namespace", "rename", "acme", "acme-corp");
        assertThat(renamed.exit()).as(renamed.err()).isZero();
        assertThat(runway("runner", "resource-class", "list", "acme-corp").out()).contains("acme-corp/linux");
        Result refused = runway("namespace", "delete", "acme-corp");
        assertThat(refused.exit()).as("409: invalid request").isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err()).contains("resource class");
        assertThat(runway("runner", "resource-class", "delete", "acme-corp/linux").exit()).isZero();
        assertThat(runway("namespace", "delete", "acme-corp").exit()).isZero();
        Result gone = runway("namespace", "get", "acme-corp");
        assertThat(gone.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(gone.err()).contains("does not exist");
    }

    @Test
    void aReadOnlyApiTokenForAnAutoscaler() throws Exception {
        setUpResourceClass();
        Result created = runway("token", "create", "--scope", "read", "--namespace", "acme", "--nickname", "keda");
        assertThat(created.exit()).as(created.err()).isZero();
        Matcher secret = Pattern.compile("(?m)^([0-9a-f]{64})$").matcher(created.out());
        assertThat(secret.find()).as(created.out()).isTrue();
        assertThat(created.out()).contains("scope read").contains("namespace acme").contains("shown only now");

        Result listed = runway("token", "list");
        assertThat(listed.out()).contains("keda").contains("read").contains("acme").doesNotContain(secret.group(1));

        environment.put("CIRCLE_TOKEN", secret.group(1));
        assertThat(runway("runner", "resource-class", "list", "acme").exit()).as("reads").isZero();
        Result refused = runway("runner", "resource-class", "create", "acme/more", "no");
        assertThat(refused.exit()).isEqualTo(ExitCodes.UNAUTHORISED);
        assertThat(refused.err()).contains("403").contains("read-only");

        environment.put("CIRCLE_TOKEN", server.adminToken());
        String id = listed.out().lines().filter(line -> line.contains("keda")).findFirst().orElseThrow()
                .split("\\s+")[0];
        assertThat(runway("token", "revoke", id).out()).contains("revoked");
        assertThat(runway("token", "create", "--scope", "write").err()).contains("--scope");
    }

    @Test
    void theInstallGuidesManagementFlow() throws Exception {
        Result namespace = runway("namespace", "create", "acme", "github", "acme-inc");
        assertThat(namespace.exit()).as(namespace.err()).isZero();
        assertThat(namespace.out()).contains("Namespace acme created");

        Result rc = runway("runner", "resource-class", "create", "acme/linux", "Linux boxes");
        assertThat(rc.exit()).as(rc.err()).isZero();
        assertThat(rc.out()).contains("acme/linux").contains("Linux boxes");

        Result token = runway("runner", "token", "create", "acme/linux", "box-1");
        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(token.out()).contains("api:\n  auth_token: ").contains("  url: " + server.uri())
                .contains("runner:\n  name: ").contains("shown only now");
        Matcher secret = Pattern.compile("auth_token: ([0-9a-f]{64})").matcher(token.out());
        assertThat(secret.find()).isTrue();

        assertThat(runway("runner", "resource-class", "list", "acme").out()).contains("acme/linux")
                .contains("Linux boxes");
        Result tokens = runway("runner", "token", "list", "acme/linux");
        assertThat(tokens.out()).contains("box-1").doesNotContain(secret.group(1));

        RunnerClient runner = new RunnerClient(new HttpTransport(server.uri(), Duration.ofSeconds(10)),
                secret.group(1));
        runner.claim(new ClaimRequest("box-1.example", "box-1", "1.2.3", "linux", "amd64", 1, 0));
        Result instances = runway("runner", "instance", "list", "acme");
        assertThat(instances.out()).contains("box-1.example").contains("1.2.3").contains("127.0.0.1");
        assertThat(runway("runner", "instance", "list", "acme/linux").out()).contains("box-1.example");

        Path job = Files.writeString(dir.resolve("job.yml"), "resource_class: acme/linux\nsteps:\n  - run: true\n");
        assertThat(runway("job", "submit", job.toString()).exit()).isZero();
        Result tasks = runway("runner", "tasks", "acme/linux");
        assertThat(tasks.out()).containsPattern("acme/linux\\s+1\\s+0");

        Result refused = runway("runner", "resource-class", "delete", "acme/linux");
        assertThat(refused.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err()).contains("still has 1 token");
        String tokenId = tokens.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(runway("runner", "token", "delete", tokenId).exit()).isZero();
        assertThat(runway("runner", "token", "list", "acme/linux").out()).doesNotContain("box-1");
        assertThat(runway("runner", "resource-class", "delete", "acme/linux").exit()).isZero();
        assertThat(runway("runner", "resource-class", "list", "acme").out()).doesNotContain("acme/linux");
    }

    @Test
    void forceDeletesAClassWithTokens() {
        setUpResourceClass();
        Result forced = runway("runner", "resource-class", "delete", "acme/linux", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
    }

    @Test
    void submitFollowStreamsStepsAndExitsWithTheJobsResult() throws Exception {
        String token = setUpResourceClass();
        Path job = Files.writeString(dir.resolve("job.yml"), String.join("\n",
                "resource_class: acme/linux",
                "name: build",
                "steps:",
                "  - run: echo hello",
                "  - run:",
                "      name: Tests",
                "      command: make test",
                "  - run: echo never",
                ""));
        StringWriter following = new StringWriter();
        CompletableFuture<Void> fakeRunner = CompletableFuture.runAsync(() -> runOneJob(token, following));
        Result followed = runway(following, "job", "submit", job.toString(), "--follow");
        fakeRunner.get();
        assertThat(followed.exit()).as(followed.err()).isEqualTo(1);
        assertThat(followed.out())
                .contains("submitted to acme/linux")
                .contains("==> [1/3] echo hello")
                .contains("    hello\n")
                .contains("<== echo hello: success in 0.2 s")
                .contains("==> [2/3] Tests")
                .contains("    3 tests, 1 failure\n")
                .contains("<== Tests: failed in 1.5 s, exit code 2")
                .contains("--- [3/3] echo never: skipped")
                .contains("Job #1 build: failed");

        String id = Pattern.compile("submitted to acme/linux: (\\S+)").matcher(followed.out()).results()
                .findFirst().orElseThrow().group(1);
        Result status = runway("job", "status", id);
        assertThat(status.out()).contains("state:          failed").contains("runner:         box-1 (attempt 1)")
                .containsPattern("2\\s+Tests\\s+failed\\s+2\\s+1.5 s\\s+18 B");
        Result logs = runway("job", "logs", id);
        assertThat(logs.exit()).as("a failed job's logs exit as its follow did").isEqualTo(ExitCodes.FAILED);
        assertThat(logs.out()).contains("    hello\n").contains("    3 tests, 1 failure\n");
        assertThat(runway("job", "list", "--resource-class", "acme/linux").out()).contains(id).contains("failed");
        assertThat(runway("job", "list", "--state", "queued").out()).doesNotContain(id);
        assertThat(runway("job", "list", "--state", "bogus").exit()).isEqualTo(Runway.EXIT_INVALID);
    }

    /** Runs the job as a runner would; the second step's output in two parts, the second once {@code follower} has
     * shown the first. */
    private void runOneJob(String token, StringWriter follower) {
        try {
            RunnerClient runner = new RunnerClient(new HttpTransport(server.uri(), Duration.ofSeconds(10)), token);
            TaskClient task = runner.forTask(runner.claim(new ClaimRequest("box-1", "box-1", "1", "linux", "amd64",
                    1, 20)).orElseThrow());
            task.stepStarted(0, new StepStart("echo hello", null));
            byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
            task.appendOutput(0, 0, hello, hello.length, System.currentTimeMillis());
            task.stepFinished(0, new StepResult(StepStatus.SUCCESS, 0, null, null, 200, null));
            task.stepStarted(1, new StepStart("Tests", null));
            byte[] tests = "3 tests, 1 failure".getBytes(StandardCharsets.UTF_8);
            task.appendOutput(1, 0, tests, 8, System.currentTimeMillis());
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.toString().contains("    3 tests,"));
            task.appendOutput(1, 8, java.util.Arrays.copyOfRange(tests, 8, tests.length), tests.length - 8,
                    System.currentTimeMillis());
            task.stepFinished(1, new StepResult(StepStatus.FAILED, 2, null, null, 1500, null));
            task.taskFinished(new RunnerApi.TaskResult(RunnerApi.TaskStatus.FAILED, "step Tests failed"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cancelEndsAQueuedJob() throws Exception {
        setUpResourceClass();
        Path job = Files.writeString(dir.resolve("job.json"),
                "{\"resource_class\":\"acme/linux\",\"steps\":[{\"run\":\"sleep 1\"}]}");
        String id = runway("job", "submit", job.toString()).out().replaceAll("(?s).*: (\\S+)\\s*$", "$1");
        Result cancel = runway("job", "cancel", id);
        assertThat(cancel.out()).contains("canceled");
        assertThat(runway("job", "status", id).out()).contains("state:          canceled");
        Result missing = runway("job", "status", "no-such-job");
        assertThat(missing.err()).contains("404");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void aBadJobFileIsRefusedNamingTheFileAndField() throws Exception {
        setUpResourceClass();
        Path job = Files.writeString(dir.resolve("bad.yml"), String.join("\n", "resource_class: acme/linux",
                "steps:", "  - run:", "      command: x", "      no_output_timeout: soon", ""));
        Result refused = runway("job", "submit", job.toString());
        assertThat(refused.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(refused.err()).contains("bad.yml: steps[0].run.no_output_timeout: invalid duration \"soon\"");
        assertThat(runway("job", "list").out()).doesNotContain("acme/linux");
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAnOwnerOnlyConfig() throws Exception {
        environment.remove("CIRCLE_TOKEN");
        environment.remove("RUNWAY_HOST");
        Result none = runway("runner", "resource-class", "list", "acme", "--host", server.uri().toString());
        assertThat(none.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(none.err()).contains("no admin token").contains("CIRCLE_TOKEN");

        Path config = dir.resolve("config/runway/cli.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "host: " + server.uri() + "\ntoken: " + server.adminToken() + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Result open = runway("runner", "resource-class", "list", "acme");
        assertThat(open.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(open.err()).contains("others can read it: chmod 600").doesNotContain(server.adminToken());

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertThat(runway("namespace", "create", "acme", "github", "acme").exit()).isZero();
        assertThat(runway("runner", "resource-class", "list", "acme").exit()).isZero();

        Result wrong = runway("runner", "resource-class", "list", "acme", "--token", "f".repeat(64));
        assertThat(wrong.exit()).isEqualTo(ExitCodes.UNAUTHORISED);
        assertThat(wrong.err()).contains("401").contains("unknown token");
    }

    @Test
    void serverOptionsAreChecked() {
        Result badListen = runway("server", "--listen", "localhost", "--data-dir", dir.resolve("x").toString());
        assertThat(badListen.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(badListen.err()).contains("--listen").contains("HOST:PORT");
        Result badLease = runway("server", "--lease", "soon", "--data-dir", dir.resolve("x").toString());
        assertThat(badLease.exit()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(badLease.err()).contains("--lease");
        assertThat(ServerCommand.HostPort.parse("--listen", "[::1]:7733"))
                .isEqualTo(new ServerCommand.HostPort("::1", 7733));
        assertThat(JobState.SUCCESS.isFinal()).isTrue();
    }
}
