package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task agent's last line names the result it reported; the launch agent reads it back from the output log. */
class TaskAgentResultLineTest {
    @TempDir
    Path dir;

    @Test
    void theLastResultLineOfTheOutputIsTheResult() throws Exception {
        Path log = Files.writeString(dir.resolve("task.log"), "x".repeat(10_000) + "\nINFO Task t: FAILED\n"
                + TaskAgentInvocation.resultLine("FAILED") + "\n");
        assertThat(TaskAgentInvocation.reportedResult(log)).contains("failed");
    }

    @Test
    void noLineNoFileOrAMangledLineIsNoResult() throws Exception {
        assertThat(TaskAgentInvocation.reportedResult(dir.resolve("missing.log"))).isEmpty();
        assertThat(TaskAgentInvocation.reportedResult(Files.writeString(dir.resolve("a.log"), "step output\n")))
                .isEmpty();
        assertThat(TaskAgentInvocation.reportedResult(Files.writeString(dir.resolve("b.log"),
                TaskAgentInvocation.RESULT_LINE_PREFIX + "$(rm -rf)\n"))).isEmpty();
    }
}
