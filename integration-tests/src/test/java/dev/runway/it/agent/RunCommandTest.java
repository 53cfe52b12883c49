package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.it.support.GitRepositories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runway run} of the built image on config-samples/run-sample, made a git repository here with an uncommitted
 * change: the embedded server, real launch agents and task agents run every workflow (fan-out, fan-in, a matrix, an
 * approval, a docker job on a mapped class, a failing job and its on-failure follower, a filtered job).
 */
class RunCommandTest {
    private static final Path SAMPLE = Path.of(System.getProperty("runway.repo", "..")).resolve(
            "config-samples/run-sample");

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void runsEveryWorkflowOfTheWorkingTree(@TempDir Path tmp) throws Exception {
        Path repo = tmp.resolve("sample");
        copy(SAMPLE, repo);
        GitRepositories.commitAll(repo, "sample");
        Files.writeString(repo.resolve("greeting.txt"), "uncommitted greeting\n");

        Process process = new ProcessBuilder(AgentHarness.RUNWAY.toString(), "run", repo.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(240, TimeUnit.SECONDS)).as("runway run ends").isTrue();
        String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as("the nightly workflow fails on purpose: %s", out).isEqualTo(1);
        assertThat(out).contains("uncommitted changes included", "    uncommitted greeting",
                "suite unit on node 0 of 1", "suite integration on node 0 of 1", "package part 0", "package part 1",
                "is not used: this job runs directly on a machine runner of runway-run/local", "    lint ok",
                "ci/hold waits for approval: approved by runway run", "- ci/publish: not run",
                "< nightly/flaky: failed", "    reporting the failure", "< nightly/report: success",
                "Workflow ci: success", "Workflow nightly: failed", "Summary:");
        assertThat(out.indexOf("< ci/build: success")).isLessThan(out.indexOf("> ci/test-unit started"))
                .isLessThan(out.indexOf("< ci/package: success"));
        assertThat(out.indexOf("< ci/test-integration: success")).isLessThan(out.indexOf("> ci/package started"));
        assertThat(out.indexOf("< ci/lint: success")).isLessThan(out.indexOf("> ci/package started"));
    }
}
