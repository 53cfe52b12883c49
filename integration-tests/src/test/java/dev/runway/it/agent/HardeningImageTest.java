package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.runway.client.ApiException;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.JobsApi.StepState;
import dev.runway.protocol.RunnerApi.Checkout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings of the hardening review replayed through the image: a job name that forges a log line, an exit code that
 * looks like a signal, a job file whose second document was dropped, a checkout revision git would take for an option.
 */
class HardeningImageTest {
    @Test
    void aJobNameCannotForgeALineInTheAgentsLogNorSendTerminalEscapes(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("log-injection", "");
            String forged = "2026-01-01T00:00:00.000Z ERROR [main] LaunchAgent - FORGED";
            JobStatus job = harness.submit("x\n" + forged + "\u001b[31m", "true");
            assertThat(harness.awaitFinal(job.id(), Duration.ofSeconds(60)).state()).isEqualTo(JobState.SUCCESS);

            String log = agent.logText();
            assertThat(log.lines()).as(log).noneMatch(line -> line.startsWith(forged));
            assertThat(log).contains("x\\n" + forged + "\\x1b[31m").doesNotContain("\u001b");
            agent.killTree();
        }
    }

    @Test
    void anExitCodeAbove128IsNotShownAsASignal(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("exit-129", "");
            JobStatus job = harness.submit("usage-error", "echo usage >&2; exit 129");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(60));

            assertThat(done.state()).isEqualTo(JobState.FAILED);
            StepState step = done.steps().get(0);
            assertThat(step.exitCode()).isEqualTo(129);
            assertThat(step.signal()).isNull();
            assertThat(step.reason()).isEqualTo("exited with code 129");
            agent.killTree();
        }
    }

    @Test
    void aJobFileWithASecondYamlDocumentOrTooManyBytesIsRefusedByTheCli(@TempDir Path home) throws Exception {
        String job = "resource_class: acme/linux\nname: build\nsteps:\n  - run: make\n";
        Path two = Files.writeString(home.resolve("two.yml"), job + "---\nname: second\nsteps: [{run: rm -rf x}]\n");
        Path huge = Files.writeString(home.resolve("huge.yml"), job + "# " + "x".repeat(10 * 1024 * 1024) + "\n");

        String[] refusedTwo = cli("job", "submit", two.toString());
        assertThat(refusedTwo[0]).isEqualTo("2");
        assertThat(refusedTwo[1]).contains(two + ":6: holds a second YAML document");
        String[] refusedHuge = cli("job", "submit", huge.toString());
        assertThat(refusedHuge[0]).isEqualTo("2");
        assertThat(refusedHuge[1]).contains("a job file may hold at most");
    }

    /** {@code bin/runway ARGS} against a server that is not there: exit status and output. */
    private static String[] cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(AgentHarness.RUNWAY.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("RUNWAY_HOST", "http://127.0.0.1:9");
        builder.environment().put("CIRCLE_TOKEN", "not-used");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(process.exitValue()), output};
    }

    @Test
    void aCheckoutRevisionThatGitWouldTakeForAnOptionIsRefusedAtSubmit(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            JobSubmission job = new JobSubmission(harness.resourceClass, "checkout", List.of(TextNode.valueOf(
                    "checkout")), null, null, new Checkout(home.resolve("repo.git").toString(),
                    "--upload-pack=touch " + home.resolve("PWNED") + ";git-upload-pack", "main"), null);
            ApiException refused = catchThrowableOfType(ApiException.class, () -> harness.management.submitJob(job));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.getMessage()).contains("checkout.revision").contains("is not a commit id");
            assertThat(home.resolve("PWNED")).doesNotExist();
        }
    }
}
