package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.it.support.RunwayImage;
import dev.runway.it.support.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/runway server} of the built image, driven by the image's own CLI commands as child processes (the
 * install guide's flow) and by a simulated runner over the real runner protocol; then killed with SIGKILL and
 * restarted with nothing acknowledged lost, and stopped with SIGTERM.
 */
class ServerThroughCliTest {
    @TempDir
    Path home;
    ServerProcess server;

    record Run(int exit, String out) {}

    @BeforeEach
    void start() throws Exception {
        server = ServerProcess.start(List.of(), home.resolve("data"), home.resolve("server.log"), "127.0.0.1", 0,
                "5s");
    }

    /** Heartbeats of the simulated runner's tasks, as a launch agent sends them. */
    private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(4);

    @AfterEach
    void stop() throws InterruptedException {
        heartbeats.shutdownNow();
        server.close();
    }

    private ScheduledFuture<?> keepAlive(TaskClient task) {
        return heartbeats.scheduleWithFixedDelay(() -> {
            try {
                task.heartbeat();
            } catch (Exception e) {
                // the server may be down for a moment (killed and restarted): the next beat tries again
            }
        }, 0, 300, TimeUnit.MILLISECONDS);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private Run runway(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RunwayImage.runway().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("RUNWAY_HOST", uri().toString());
        environment.put("CIRCLE_TOKEN", server.adminToken());
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        environment.put("XDG_DATA_HOME", home.resolve("share").toString());
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private Run ok(String... args) throws IOException, InterruptedException {
        Run run = runway(args);
        assertThat(run.exit()).as(String.join(" ", args) + ":\n" + run.out()).isZero();
        return run;
    }

    private static ClaimRequest claim(String name, int wait) {
        return new ClaimRequest(name, name + ".example", "9.9.9", "linux", "amd64", 1, wait);
    }

    @Test
    void installGuideFlowJobFollowAndKillNineRestart() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                server.dataDir().resolve("admin-token")))).isEqualTo("rw-------");
        assertThat(Files.readString(server.log())).contains("admin token in " + server.dataDir()
                .resolve("admin-token")).doesNotContain(server.adminToken());

        ok("namespace", "create", "acme", "github", "acme-inc");
        ok("runner", "resource-class", "create", "acme/linux-large", "Linux boxes");
        Run token = ok("runner", "token", "create", "acme/linux-large", "box-1");
        Matcher secret = Pattern.compile("auth_token: ([0-9a-f]{64})").matcher(token.out());
        assertThat(secret.find()).as(token.out()).isTrue();
        assertThat(token.out()).contains("url: " + uri());
        String rcToken = secret.group(1);
        assertThat(ok("runner", "token", "list", "acme/linux-large").out()).contains("box-1")
                .doesNotContain(rcToken);

        Path job = Files.writeString(home.resolve("job.yml"), String.join("\n",
                "resource_class: acme/linux-large",
                "name: build",
                "secrets:",
                "  DEPLOY_KEY: s3cr3t",
                "steps:",
                "  - run: make",
                "  - run:",
                "      name: Test",
                "      command: make test",
                "      no_output_timeout: 5m",
                ""));
        RunnerClient runner = new RunnerClient(new HttpTransport(uri(), Duration.ofSeconds(30)), rcToken);
        CompletableFuture<ClaimResponse> claimed = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(claim("box-1", 60)).orElseThrow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<Run> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return runway("job", "submit", job.toString(), "--follow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TaskClient task = runner.forTask(claimed.get(60, TimeUnit.SECONDS));
        ScheduledFuture<?> firstBeats = keepAlive(task);
        assertThat(task.job().secretNames()).containsExactly("DEPLOY_KEY");
        task.stepStarted(0, new StepStart("make", null));
        byte[] built = "compiled 12 files\n".getBytes(StandardCharsets.UTF_8);
        task.appendOutput(0, 0, built, built.length, System.currentTimeMillis());
        task.stepFinished(0, new StepResult(StepStatus.SUCCESS, 0, null, null, 1200, null));
        task.stepStarted(1, new StepStart("Test", null));
        byte[] tested = "42 tests passed\n".getBytes(StandardCharsets.UTF_8);
        task.appendOutput(1, 0, tested, tested.length, System.currentTimeMillis());
        task.stepFinished(1, new StepResult(StepStatus.SUCCESS, 0, null, null, 3400, null));
        task.taskFinished(new TaskResult(TaskStatus.SUCCESS, null));
        firstBeats.cancel(false);
        Run follow = followed.get(120, TimeUnit.SECONDS);
        assertThat(follow.exit()).as(follow.out()).isZero();
        assertThat(follow.out()).contains("==> [1/2] make").contains("    compiled 12 files")
                .contains("<== make: success in 1.2 s").contains("==> [2/2] Test").contains("    42 tests passed")
                .contains("<== Test: success in 3.4 s").contains(": success in");
        String jobId = Pattern.compile("submitted to acme/linux-large: (\\S+)").matcher(follow.out()).results()
                .findFirst().orElseThrow().group(1);

        assertThat(ok("runner", "instance", "list", "acme").out()).contains("box-1").contains("box-1.example")
                .contains("9.9.9").contains("127.0.0.1");

        // a second job is claimed and half run when the server is killed
        Run second = ok("job", "submit", job.toString());
        String secondId = second.out().replaceAll("(?s).*: (\\S+)\\s*$", "$1");
        ClaimResponse running = runner.claim(claim("box-1", 10)).orElseThrow();
        TaskClient secondTask = runner.forTask(running);
        keepAlive(secondTask);
        secondTask.stepStarted(0, new StepStart("make", null));
        byte[] partial = "half of the output\n".getBytes(StandardCharsets.UTF_8);
        secondTask.appendOutput(0, 0, partial, partial.length, System.currentTimeMillis());
        ok("job", "submit", job.toString());
        assertThat(ok("runner", "tasks", "acme/linux-large").out()).containsPattern("acme/linux-large\\s+1\\s+1");

        server.kill();
        assertThat(server.isAlive()).isFalse();
        server.start();

        assertThat(ok("job", "status", jobId).out()).contains("state:          success")
                .containsPattern("1\\s+make\\s+success\\s+0\\s+1.2 s\\s+18 B");
        assertThat(ok("job", "logs", secondId).out()).contains("    half of the output");
        assertThat(ok("job", "status", secondId).out()).contains("state:          running");
        assertThat(ok("runner", "tasks", "acme/linux-large").out()).containsPattern("acme/linux-large\\s+1\\s+1");
        // the claimed task goes on where it was (its lease restarted with the server): its token works, its
        // offset is kept
        RunnerClient reconnected = new RunnerClient(new HttpTransport(uri(), Duration.ofSeconds(30)), rcToken);
        TaskClient resumed = reconnected.forTask(running);
        assertThat(resumed.heartbeat().canceled()).isFalse();
        byte[] rest = "and the rest\n".getBytes(StandardCharsets.UTF_8);
        assertThat(resumed.appendOutput(0, partial.length, rest, rest.length, System.currentTimeMillis())
                .nextOffset()).isEqualTo(partial.length + rest.length);
        Optional<ClaimResponse> third = reconnected.claim(claim("box-2", 5));
        assertThat(third).isPresent();

        // cancel reaches the running task through its heartbeat
        assertThat(ok("job", "cancel", secondId).out()).contains("cancel requested");
        assertThat(resumed.heartbeat().canceled()).isTrue();
        resumed.taskFinished(new TaskResult(TaskStatus.CANCELED, "canceled"));
        assertThat(ok("job", "status", secondId).out()).contains("state:          canceled");

        // the third task is never heartbeated: with a 5 s lease it is requeued
        assertThat(waitFor(() -> ok("job", "status", third.get().jobId()).out(), "state:          queued"))
                .contains("stopped sending heartbeats");
    }

    private static String waitFor(Check check, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = check.get();
            if (last.contains(expected)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no \"" + expected + "\" within 60 s; last:\n" + last);
    }

    @FunctionalInterface
    interface Check {
        String get() throws Exception;
    }

    @Test
    void sigtermEndsHeldClaimsAndStopsTheServer() throws Exception {
        ok("namespace", "create", "acme", "github", "acme-inc");
        ok("runner", "resource-class", "create", "acme/linux", "");
        Matcher secret = Pattern.compile("auth_token: ([0-9a-f]{64})").matcher(
                ok("runner", "token", "create", "acme/linux", "t").out());
        assertThat(secret.find()).isTrue();
        RunnerClient runner = new RunnerClient(new HttpTransport(uri(), Duration.ofSeconds(30)), secret.group(1));
        CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(claim("idle", 55));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        waitFor(() -> ok("runner", "instance", "list", "acme").out(), "idle.example");
        Thread.sleep(500);
        long start = System.nanoTime();
        ProcessHandle.of(server.pid()).orElseThrow().destroy(); // SIGTERM
        assertThat(held.get(30, TimeUnit.SECONDS)).as("the held claim ends with no task").isEmpty();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
        for (int i = 0; i < 300 && server.isAlive(); i++) {
            Thread.sleep(100);
        }
        assertThat(server.isAlive()).isFalse();
        assertThat(Files.readString(server.log())).contains("runway server stopped");
    }
}
