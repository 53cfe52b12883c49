package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.PipelinesClient;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.taskagent.storage.Archives;
import dev.runway.testsupport.ServerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage steps through the real server (in this JVM) of a project's pipeline: a cache saved straight from the
 * archive into the upload, and a restore whose bytes do not hash to the blob's name failing its step and leaving
 * nothing it extracted.
 */
class StorageStepsTest {
    private static final String CONFIG = """
            version: 2.1
            jobs:
              save:
                machine: true
                resource_class: %1$s
                steps:
                  - run: mkdir -p deps/sub && echo one > deps/a.txt && echo two > deps/sub/b.txt
                  - save_cache: {key: deps-v1, paths: [deps]}
              restore:
                machine: true
                resource_class: %1$s
                steps:
                  - restore_cache: {keys: [deps-v1]}
                  - run: echo AFTER-THE-RESTORE
            workflows:
              main:
                jobs: [save, {restore: {requires: [save]}}]
            """;

    @TempDir
    Path serverData;
    @TempDir
    Path repo;
    @TempDir
    Path home;
    @TempDir
    Path saveDir;
    @TempDir
    Path restoreDir;

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c",
                "user.email=t@example.com"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes());
        assertThat(git.waitFor()).as(output).isZero();
    }

    /** Claims the next task and runs it with a task agent in {@code workDir}; answers the job's stored status. */
    private JobStatus runTask(ServerFixture server, RunnerClient runner, Path workDir) throws Exception {
        ClaimResponse claim = runner.claim(ServerFixture.claim("storage-runner", 10))
                .orElseThrow(() -> new AssertionError("no task to claim"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", home.toString());
        TaskAgentSettings settings = TaskAgentSettings.defaults(workDir, env, Duration.ZERO);
        new TaskAgent(server.taskClient(claim), claim.taskToken(), settings).run();
        return server.status(claim.jobId());
    }

    @Test
    void aRestoreWhoseBytesDoNotHashToTheBlobsNameFailsAndRemovesWhatItExtracted() throws Exception {
        try (ServerFixture server = ServerFixture.inProcess(serverData.resolve("data"))) {
            String resourceClass = server.resourceClass();
            RunnerClient runner = server.runner(server.admin().createToken(resourceClass, "storage").token());
            Files.createDirectories(repo.resolve(".circleci"));
            Files.writeString(repo.resolve(".circleci/config.yml"), CONFIG.formatted(resourceClass));
            git(repo, "init", "-q", "-b", "main");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "config");
            PipelinesClient pipelines = new PipelinesClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                    server.adminToken());
            String namespace = resourceClass.substring(0, resourceClass.indexOf('/'));
            String slug = pipelines.createProject(new PipelinesApi.ProjectCreate(namespace, repo.toString(),
                    "storage", "main")).slug();
            pipelines.trigger(slug, "main", null, Map.of());

            JobStatus save = runTask(server, runner, saveDir);
            assertThat(save.state()).as(server.outputText(save.id(), 1)).isEqualTo(JobState.SUCCESS);
            assertThat(server.outputText(save.id(), 1)).contains("Stored cache deps-v1: 2 files",
                    "archived and uploaded in");

            // the stored blob's bytes replaced by another whole archive of the same paths: extraction succeeds,
            // only the hash at the end tells
            Path blob;
            try (Stream<Path> files = Files.walk(serverData.resolve("data"))) {
                blob = files.filter(path -> path.getFileName().toString().matches("[0-9a-f]{64}")
                        && Files.isRegularFile(path)).findFirst().orElseThrow();
            }
            Path forged = Files.createDirectories(home.resolve("forged/deps/sub"));
            Files.writeString(forged.resolve("../a.txt"), "forged\n");
            Files.writeString(forged.resolve("b.txt"), "forged\n");
            Archives.create(List.of(new Archives.Source(forged.getParent(), "working_directory/deps")), blob);
            Files.writeString(restoreDir.resolve("kept.txt"), "not from the cache\n");

            JobStatus restore = runTask(server, runner, restoreDir);
            assertThat(restore.state()).as(server.outputText(restore.id(), 0)).isEqualTo(JobState.FAILED);
            assertThat(restore.steps().get(0).status()).isEqualTo(StepStatus.FAILED);
            assertThat(restore.reason()).contains("sha256");
            assertThat(server.outputText(restore.id(), 1)).as("no step after the failed one").isEmpty();
            assertThat(restoreDir.resolve("deps/a.txt")).as("an extracted file is removed").doesNotExist();
            assertThat(restoreDir.resolve("deps/sub/b.txt")).doesNotExist();
            assertThat(restoreDir.resolve("deps")).as("and the directories it made").doesNotExist();
            assertThat(restoreDir.resolve("kept.txt")).as("what was there before stays").exists();
        }
    }
}
