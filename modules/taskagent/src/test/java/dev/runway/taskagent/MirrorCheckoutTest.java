package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.testsupport.ProcessScan;
import dev.runway.testsupport.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline job's checkout through the server's mirror of its project: real repositories made here, the real server
 * in this JVM, the task agent running the checkout with the real git CLI. The project's repository is moved away
 * once the server mirrored it, so only a fetch from the server can succeed; the task's checkout credential opens that
 * mirror alone, for reading, while the task runs, and never shows in output, argv or environments.
 */
class MirrorCheckoutTest {
    @TempDir
    Path temp;
    private ServerFixture server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
        return output.strip();
    }

    /** A repository whose config runs {@code steps} on the fixture's class; two commits, so a shallow one shows. */
    private Path repository(String name, String resourceClass, String steps) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.createDirectories(dir.resolve(".circleci"));
        Files.writeString(dir.resolve("first.txt"), "first\n");
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "first");
        Files.writeString(dir.resolve(".circleci/config.yml"), """
                version: 2.1
                jobs:
                  build:
                    machine: true
                    resource_class: %s
                    steps:
                %s
                workflows:
                  main:
                    jobs: [build]
                """.formatted(resourceClass, steps.indent(6)));
        Files.writeString(dir.resolve("marker.txt"), name + "\n");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "second of " + name);
        return dir;
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates the project, triggers a pipeline on main and claims its one job's task. */
    /** Project ids by name. */
    private final Map<String, String> ids = new HashMap<>();

    private ClaimResponse pipelineTask(RunnerClient runner, String namespace, String name, Path repo)
            throws Exception {
        HttpResponse<String> created = send("POST", "/api/v3/projects", server.adminToken(),
                "{\"namespace\": \"" + namespace + "\", \"repository_url\": \"" + repo + "\", \"name\": \"" + name
                        + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var project = dev.runway.protocol.Json.mapper().readTree(created.body());
        ids.put(name, project.get("id").asText());
        String slug = project.get("slug").asText();
        HttpResponse<String> trigger = send("POST", "/api/v2/project/" + slug + "/pipeline",
                server.adminToken(), "{\"branch\": \"main\"}");
        assertThat(trigger.statusCode()).as(trigger.body()).isEqualTo(201);
        return runner.claim(ServerFixture.claim("mirror-runner", 20))
                .orElseThrow(() -> new AssertionError("the pipeline's job was not queued"));
    }

    private int status(String method, String path, String token) throws Exception {
        return send(method, path, token, method.equals("POST") ? "0000" : null).statusCode();
    }

    /** A directory first on PATH whose {@code git} logs its argv and environment, then runs the real git. */
    private Path loggingGit(Path log) throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        String realGit = new String(new ProcessBuilder("sh", "-c", "command -v git").start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8).strip();
        Path wrapper = bin.resolve("git");
        Files.writeString(wrapper, "#!/bin/sh\n{ printf 'ARGV %s\\n' \"$*\"; env; } >> '" + log + "'\nexec '"
                + realGit + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        return bin;
    }

    /** {@code git clone} of the mirror with the credential from a 0600 config file; answers git's HTTP trace. */
    private String cloneWithCredential(String mirror, String credential, Path into) throws Exception {
        Path config = temp.resolve("clone.gitconfig");
        Files.writeString(config, "[http]\n\textraHeader = Authorization: Bearer " + credential + "\n");
        Path trace = temp.resolve("clone.trace");
        ProcessBuilder clone = new ProcessBuilder("git", "clone", "-q", server.uri() + mirror, into.toString())
                .redirectErrorStream(true);
        clone.environment().putAll(Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "include.path",
                "GIT_CONFIG_VALUE_0", config.toString(), "GIT_TRACE_CURL", trace.toString(),
                "GIT_TRACE_CURL_NO_DATA", "1"));
        Process process = clone.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return Files.readString(trace);
    }

    @Test
    void aPipelineJobChecksOutItsRevisionFromTheServerWithACredentialOfItsTaskAlone() throws Exception {
        server = ServerFixture.inProcess(temp.resolve("data"));
        String resourceClass = server.resourceClass();
        String namespace = resourceClass.substring(0, resourceClass.indexOf('/'));
        RunnerClient runner = server.runner(server.admin().createToken(resourceClass, "mirror").token());
        Path gitLog = temp.resolve("git.log");
        Path checkoutDir = temp.resolve("work/project");
        Path repo = repository("app", resourceClass, """
                - checkout: {path: %s}
                - run: env; ls -a "$(dirname "$BASH_ENV")"; echo done
                """.formatted(checkoutDir));
        String revision = git(repo, "rev-parse", "HEAD");
        ClaimResponse claim = pipelineTask(runner, namespace, "app", repo);
        // the server mirrored the project when the pipeline was triggered: from now on the runner side cannot
        // read the project's repository, only the server's mirror of it
        Files.move(repo, temp.resolve("app-moved"));

        TaskClient taskClient = server.taskClient(claim);
        TaskJob job = taskClient.job();
        String credential = job.checkout().credential();
        assertThat(credential).isNotBlank().isNotEqualTo(claim.taskToken());
        assertThat(job.checkout().repository()).isEqualTo(ApiPaths.gitMirror(claim.taskId()));
        assertThat(job.checkout().revision()).isEqualTo(revision);
        assertThat(job.toString()).doesNotContain(credential);

        // another project's running task: neither credential opens the other's mirror
        Path other = repository("other", resourceClass, "- checkout");
        ClaimResponse otherClaim = pipelineTask(runner, namespace, "other", other);
        String otherCredential = server.taskClient(otherClaim).job().checkout().credential();
        String mirror = ApiPaths.gitMirror(claim.taskId());
        String otherMirror = ApiPaths.gitMirror(otherClaim.taskId());
        String refs = "/info/refs?service=git-upload-pack";
        assertThat(status("GET", mirror + refs, credential)).isEqualTo(200);
        assertThat(status("GET", otherMirror + refs, otherCredential)).isEqualTo(200);
        assertThat(status("GET", otherMirror + refs, credential)).isEqualTo(403);
        assertThat(status("POST", otherMirror + "/git-upload-pack", credential)).isEqualTo(403);
        assertThat(status("GET", mirror + refs, otherCredential)).isEqualTo(403);
        // read-only: no receive-pack, whichever way it is asked for
        assertThat(status("GET", mirror + "/info/refs?service=git-receive-pack", credential)).isEqualTo(403);
        assertThat(status("POST", mirror + "/git-receive-pack", credential)).isIn(404, 405);
        // the task token is not a checkout credential, nor is a credential a task token
        assertThat(status("GET", mirror + refs, claim.taskToken())).isEqualTo(401);
        assertThat(status("GET", ApiPaths.taskJob(claim.taskId()), credential)).isEqualTo(401);
        assertThat(status("GET", mirror + refs, "nonsense")).isEqualTo(401);

        // the run: a background scan looks for the credential in every other process's argv and environment
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", Files.createDirectories(temp.resolve("home")).toString());
        env.put("PATH", loggingGit(gitLog) + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        TaskAgentSettings settings = TaskAgentSettings.defaults(Files.createDirectories(temp.resolve("work")), env,
                Duration.ZERO).withCancelGrace(Duration.ofSeconds(1)).withCancelCheckInterval(Duration.ofMillis(300));
        taskClient.useJob(job);
        CompletableFuture<TaskResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new TaskAgent(taskClient, claim.taskToken(), settings).run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        while (!run.isDone()) {
            seen.addAll(ProcessScan.withMarker(credential));
            try {
                run.get(10, TimeUnit.MILLISECONDS); // a pause between scans that ends with the run
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // scan again
            }
        }
        run.get(60, TimeUnit.SECONDS);
        assertThat(seen).as("processes with the credential in argv or environment").isEmpty();

        assertThat(server.status(claim.jobId()).state()).as(server.outputText(claim.jobId(), 0))
                .isEqualTo(JobState.SUCCESS);
        String checkoutOutput = server.outputText(claim.jobId(), 0);
        assertThat(checkoutOutput).contains("Cloning " + server.uri() + mirror).doesNotContain(credential);
        assertThat(git(checkoutDir, "rev-parse", "HEAD")).isEqualTo(revision);
        assertThat(git(checkoutDir, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
        assertThat(git(checkoutDir, "rev-parse", "--is-shallow-repository")).isEqualTo("true");
        assertThat(Files.readString(checkoutDir.resolve("marker.txt"))).isEqualTo("app\n");
        String stepOutput = server.outputText(claim.jobId(), 1);
        // the task's scratch directory, where the checkout's config file was: removed when the checkout ended
        assertThat(stepOutput).contains("bash_env").doesNotContain("gitconfig");
        assertThat(stepOutput).contains("done").doesNotContain(credential).doesNotContain("GIT_CONFIG")
                .doesNotContain("RUNWAY_CHECKOUT");
        String gitCalls = Files.readString(gitLog);
        assertThat(gitCalls).contains("ARGV fetch --force --depth 1 origin " + revision).doesNotContain(credential);

        // a full clone of a mirror with many branches: git sends its wants gzipped, which the server inflates
        for (int i = 0; i < 40; i++) {
            git(temp.resolve("other"), "branch", "-q", "topic-" + i);
        }
        // a server without the mirror (a replica with a data directory of its own) fetches it first
        Path otherMirrorDirectory = temp.resolve("data/repositories/" + ids.get("other") + ".git");
        assertThat(otherMirrorDirectory).isDirectory();
        try (var paths = Files.walk(otherMirrorDirectory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        assertThat(cloneWithCredential(otherMirror, otherCredential, temp.resolve("full-clone")))
                .contains("Content-Encoding: gzip");
        assertThat(git(temp.resolve("full-clone"), "branch", "-r")).contains("origin/topic-39");

        // the task ended: its credential opens nothing any more
        assertThat(status("GET", mirror + refs, credential)).isEqualTo(410);
        assertThat(status("POST", mirror + "/git-upload-pack", credential)).isEqualTo(410);
        assertThat(status("GET", otherMirror + refs, otherCredential)).isEqualTo(200);
    }
}
