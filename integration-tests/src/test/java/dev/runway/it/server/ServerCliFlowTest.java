package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install guide's commands through the image's CLI, then a job submitted with --follow and run by a runner. */
class ServerCliFlowTest {
    @TempDir
    Path home;
    ImageServer fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = ImageServer.start(home, "60s");
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void installGuideFlowThenAFollowedJob() throws Exception {
        Path tokenFile = fixture.server.dataDir().resolve("admin-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(Files.readString(fixture.server.log())).contains("admin token in " + tokenFile)
                .doesNotContain(fixture.server.adminToken());

        fixture.ok("namespace", "create", "acme", "github", "acme-inc");
        fixture.ok("runner", "resource-class", "create", "acme/linux-large", "Linux boxes");
        ImageServer.Run created = fixture.ok("runner", "token", "create", "acme/linux-large", "box-1");
        String rcToken = ImageServer.tokenIn(created.out());
        assertThat(created.out()).contains("url: " + fixture.uri());
        assertThat(fixture.ok("runner", "token", "list", "acme/linux-large").out()).contains("box-1")
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
        RunnerClient runner = fixture.runner(rcToken);
        CompletableFuture<ClaimResponse> claimed = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.claim(ImageServer.claim("box-1", 60)).orElseThrow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<ImageServer.Run> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return fixture.runway("job", "submit", job.toString(), "--follow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TaskClient task = runner.forTask(claimed.get(60, TimeUnit.SECONDS));
        fixture.keepAlive(task);
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

        ImageServer.Run follow = followed.get(120, TimeUnit.SECONDS);
        assertThat(follow.exit()).as(follow.out()).isZero();
        assertThat(follow.out()).contains("==> [1/2] make").contains("    compiled 12 files")
                .contains("<== make: success in 1.2 s").contains("==> [2/2] Test").contains("    42 tests passed")
                .contains("<== Test: success in 3.4 s").contains("build: success in");
        String jobId = Pattern.compile("submitted to acme/linux-large: (\\S+)").matcher(follow.out()).results()
                .findFirst().orElseThrow().group(1);
        assertThat(fixture.ok("job", "status", jobId).out()).contains("state:          success")
                .containsPattern("1\\s+make\\s+success\\s+0\\s+1.2 s\\s+18 B");
        assertThat(fixture.ok("runner", "instance", "list", "acme").out()).contains("box-1.example")
                .contains("9.9.9").contains("127.0.0.1");
        assertThat(fixture.ok("runner", "tasks", "acme/linux-large").out())
                .containsPattern("acme/linux-large\\s+0\\s+0");
    }
}
