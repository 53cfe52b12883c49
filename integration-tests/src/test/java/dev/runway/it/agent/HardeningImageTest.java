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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings of the hardening review replayed through the image's launch agent and task agent: a job name that forges
 * a log line, an exit code that looks like a signal, a checkout revision that git would take for an option.
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
