package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real shells in real process groups; output collected in memory instead of on a server. */
class StepExecutionTest {
    @TempDir
    Path dir;
    private final CancelSignal cancel = new CancelSignal();
    private final MemoryUpload upload = new MemoryUpload();
    private final String marker = "runway-test-" + UUID.randomUUID();

    private StepExecution start(String script, long noOutputTimeoutMillis, List<String> secrets) throws Exception {
        Path file = Files.writeString(dir.resolve("script-" + UUID.randomUUID()), script + "\n");
        StepExecution.StepSettings settings = new StepExecution.StepSettings(noOutputTimeoutMillis, 1000, 500,
                64 * 1024, 16 * 1024);
        return StepExecution.start("test step", Shells.argv(null, file), System.getenv(), dir, settings, cancel,
                secrets, upload);
    }

    private StepResult run(String script) throws Exception {
        return start(script, 60_000, List.of()).supervise();
    }

    @Test
    void reportsSuccessAndOutput() throws Exception {
        StepResult result = run("echo hello; echo to-stderr >&2");
        assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
        assertThat(result.exitCode()).isZero();
        assertThat(upload.text()).isEqualTo("hello\nto-stderr\n");
    }

    @Test
    void failsWithExitCodeAndStopsAtFirstFailingCommand() throws Exception {
        StepResult result = run("echo one; false; echo never");
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.reason()).isEqualTo("exited with code 1");
        assertThat(upload.text()).isEqualTo("one\n");
    }

    @Test
    void anExitCodeAbove128IsNotReportedAsASignal() throws Exception {
        StepResult result = run("echo usage >&2; exit 129");
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(129);
        assertThat(result.signal()).isNull();
        assertThat(result.reason()).isEqualTo("exited with code 129");
    }

    @Test
    void pipefailIsOnByDefault() throws Exception {
        StepResult result = run("false | cat");
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
    }

    @Test
    void killsWhatTheStepLeftInItsGroupAndWhatEscapedWithSetsid() throws Exception {
        StepResult result = run("bash -c 'exec -a " + marker + "-group sleep 1000' &\n"
                + "setsid bash -c 'exec -a " + marker + "-daemon sleep 1000' &\n"
                + "(setsid bash -c 'exec -a " + marker + "-double sleep 1000' &)\n"
                + "sleep 0.3; echo started");
        try {
            assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
            assertThat(upload.text()).isEqualTo("started\n");
            assertThat(ProcessTable.withMarker(marker)).isEmpty();
        } finally {
            ProcessTable.kill(marker);
        }
    }

    /**
     * The result is reported while what the step left behind is swept: by then every byte of the output is uploaded,
     * and once supervise returns nothing of the step is left, whether the report went through or failed.
     */
    @Test
    void reportsTheResultWithTheWholeOutputAndReturnsOnlyOnceTheLeftoversAreGone() throws Exception {
        StepExecution step = start("setsid bash -c 'exec -a " + marker + "-daemon sleep 1000' &\n"
                + "(setsid bash -c 'exec -a " + marker + "-double sleep 1000' &)\n"
                + "sleep 0.3; seq 1 20000; echo last line", 60_000, List.of());
        List<String> outputAtReport = new java.util.ArrayList<>();
        try {
            StepResult result = step.supervise(reported -> {
                outputAtReport.add(upload.text());
                throw new dev.runway.client.ApiException(503, "the server is away", null, new byte[0], null);
            });
            org.junit.jupiter.api.Assertions.fail("the report's failure is thrown, not " + result);
        } catch (dev.runway.client.ApiException e) {
            assertThat(e.status()).isEqualTo(503);
            assertThat(outputAtReport).hasSize(1);
            assertThat(outputAtReport.get(0)).startsWith("1\n2\n").endsWith("20000\nlast line\n");
            assertThat(ProcessTable.withMarker(marker)).as("swept before supervise returned").isEmpty();
        } finally {
            ProcessTable.kill(marker);
        }
    }

    /** A leftover holding the output pipe open ends with the sweep: its output up to then is kept, none is lost. */
    @Test
    void aLeftoverHoldingTheOutputIsKilledByTheSweepAndItsOutputKept() throws Exception {
        StepResult[] reported = new StepResult[1];
        StepResult result = start("setsid bash -c 'echo from the leftover; exec -a " + marker + " sleep 1000' &\n"
                + "sleep 0.3; echo parent done", 60_000, List.of()).supervise(r -> reported[0] = r);
        try {
            assertThat(reported[0]).isSameAs(result);
            assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
            assertThat(upload.text()).contains("from the leftover\n").contains("parent done\n")
                    .doesNotContain("still holds its output open");
            assertThat(ProcessTable.withMarker(marker)).isEmpty();
        } finally {
            ProcessTable.kill(marker);
        }
    }

    @Test
    void streamsLargeOutputByteExactThroughSmallRing() throws Exception {
        StepResult result = run("seq 1 300000");
        assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 300000; i++) {
            expected.append(i).append('\n');
        }
        assertThat(sha256(upload.text())).isEqualTo(sha256(expected.toString()));
        assertThat(upload.chunks()).allSatisfy(c -> assertThat(c[1]).isLessThanOrEqualTo(16 * 1024));
    }

    @Test
    void stampsEachChunkWithTheTimeItsBytesWereRead() throws Exception {
        long before = System.currentTimeMillis();
        StepResult result = run("echo early; sleep 1.2; echo late");
        assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
        List<long[]> chunks = upload.chunks();
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
        long first = chunks.get(0)[2];
        long last = chunks.get(chunks.size() - 1)[2];
        assertThat(first).isBetween(before, before + 10_000);
        assertThat(last - first).isGreaterThanOrEqualTo(1100);
    }

    @Test
    void stopsAStepThatIsQuietTooLong() throws Exception {
        StepResult result = start("echo begin; sleep 30", 400, List.of()).supervise();
        assertThat(result.status()).isEqualTo(StepStatus.TIMEDOUT);
        assertThat(result.reason()).contains("no output").contains("400ms");
        assertThat(upload.text()).startsWith("begin\n")
                .contains("Too long with no output (exceeded 400ms): context deadline exceeded");
        assertThat(result.durationMillis()).isLessThan(10_000);
    }

    @Test
    void cancelSendsTermFirstSoTheStepCanCleanUp() throws Exception {
        StepExecution step = start("trap 'echo cleaning up; exit 7' TERM; echo ready; sleep 100 & wait", 60_000,
                List.of());
        waitForOutput("ready");
        cancel.cancel(CancelSignal.Reason.CANCELED, "the job was canceled");
        StepResult result = step.supervise();
        assertThat(result.status()).isEqualTo(StepStatus.CANCELED);
        assertThat(upload.text()).contains("cleaning up").contains("[runway] step stopped: the job was canceled");
    }

    @Test
    void cancelKillsAStepThatIgnoresTermAfterTheGracePeriod() throws Exception {
        StepExecution step = start("trap '' TERM; echo ready; while true; do sleep 0.1; done", 60_000, List.of());
        waitForOutput("ready");
        long begin = System.nanoTime();
        cancel.cancel(CancelSignal.Reason.CANCELED, "stop");
        StepResult result = step.supervise();
        long tookMillis = (System.nanoTime() - begin) / 1_000_000;
        assertThat(result.status()).isEqualTo(StepStatus.CANCELED);
        assertThat(result.signal()).isEqualTo(9);
        assertThat(tookMillis).isGreaterThanOrEqualTo(900);
    }

    @Test
    void masksSecretsWrittenInPieces() throws Exception {
        StepResult result = start("printf 'token: ab'; sleep 0.2; printf 'cd-SECRET'; sleep 0.2; printf '%s\\n' '-xyz done'",
                60_000, List.of("abcd-SECRET-xyz")).supervise();
        assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
        assertThat(upload.text()).isEqualTo("token: ******** done\n");
    }

    @Test
    void endsPromptlyWhenAnEscapedProcessHoldsTheOutputOpen() throws Exception {
        try {
            // no tracking id and a session of its own: out of reach here (the launcher's cgroup catches it)
            StepResult result = run("env -u " + ProcessGroup.TRACKING_VARIABLE + " setsid bash -c 'exec -a " + marker
                    + " sleep 20' &\nsleep 0.3; echo parent done");
            assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
            assertThat(result.durationMillis()).isLessThan(5_000);
            assertThat(upload.text()).startsWith("parent done\n");
            assertThat(ProcessTable.withMarker(marker)).hasSize(1);
        } finally {
            ProcessTable.kill(marker);
        }
    }

    @Test
    void environmentIsExactlyWhatWasGivenPlusTheTrackingId() throws Exception {
        Path file = Files.writeString(dir.resolve("env.sh"), "echo \"$FOO:$" + ProcessGroup.TRACKING_VARIABLE
                + "\"\n");
        StepExecution.StepSettings settings = new StepExecution.StepSettings(60_000, 1000, 500, 4096, 1024);
        StepResult result = StepExecution.start("env step", Shells.argv(null, file),
                Map.of("FOO", "bar", "PATH", System.getenv("PATH")), dir, settings, cancel, List.of(), upload)
                .supervise();
        assertThat(result.status()).isEqualTo(StepStatus.SUCCESS);
        assertThat(upload.text()).startsWith("bar:env-step-");
    }

    private void waitForOutput(String text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(upload.text()).contains(text));
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
