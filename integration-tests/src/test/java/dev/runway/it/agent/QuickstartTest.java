package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runway quickstart} of the built image: server, agent, real task agent, live output, clean exit. */
class QuickstartTest {

    @Test
    void quickstartRunsTheSampleJobAndCleansUp(@TempDir Path tmp) throws Exception {
        Process process = new ProcessBuilder(AgentHarness.RUNWAY.toString(), "quickstart")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("quickstart ends").isTrue();
        String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("==> [1/3] Show where the job runs", "==> [2/3] Print progress over time",
                "    progress 5/5", "==> [3/3] Write and read a file", "    hello from a Runway job", "What next")
                .containsPattern("Job #1 quickstart-sample: success in [0-9.]+ s");
        Matcher home = Pattern.compile("temporary directory (\\S+)\\)").matcher(out);
        assertThat(home.find()).isTrue();
        assertThat(Path.of(home.group(1))).as("temporary directory removed").doesNotExist();
    }
}
