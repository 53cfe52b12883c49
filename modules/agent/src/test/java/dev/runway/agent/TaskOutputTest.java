package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a task agent gets (environment) and what is reported of its output (tail, redacted). */
class TaskOutputTest {
    @TempDir
    Path temp;

    @Test
    void tailKeepsTheLastLinesAndRedactsTokens() throws Exception {
        Path log = temp.resolve("out.log");
        String lines = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i + (i == 99 ? " tok-SECRET" : ""))
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(log, lines);
        String tail = OutputTail.lastLines(log, List.of("tok-SECRET", "rc-SECRET"));
        assertThat(tail.split("\n")).hasSize(OutputTail.MAX_LINES).startsWith("line 71").endsWith("line 100");
        assertThat(tail).contains("line 99 ********").doesNotContain("SECRET");
    }

    @Test
    void hugeLogsAreReadFromTheEndOnly() throws Exception {
        Path log = temp.resolve("big.log");
        Files.writeString(log, "x".repeat(5_000_000) + "\nthe end\n");
        assertThat(OutputTail.lastLines(log, List.of())).endsWith("the end").hasSizeLessThan(OutputTail.MAX_BYTES);
        assertThat(OutputTail.lastLines(temp.resolve("missing"), List.of())).isEmpty();
    }

    @Test
    void taskEnvironmentIsAnAllowListPlusTheListedNamesAndNeverTheToken() {
        Map<String, String> agent = Map.of("PATH", "/usr/bin", "LAUNCH_AGENT_API_AUTH_TOKEN", "rc-token",
                "NOTIFY_SOCKET", "/run/systemd/notify", "DATABASE_PASSWORD", "hunter2", "LC_ALL", "C",
                "SOME_COPY", "Bearer rc-token", "HTTP_PROXY", "http://proxy:3128", "LAUNCH_AGENT_RUNNER_MODE",
                "single-task", "BUILD_CACHE", "/cache");
        Map<String, String> task = TaskEnvironment.forTask(agent, List.of("BUILD_CACHE", "SOME_COPY"), "launch-7",
                temp, "rc-token");
        assertThat(task).containsOnlyKeys("PATH", "HTTP_PROXY", "LC_ALL", "BUILD_CACHE", "CIRCLECI_LAUNCH_ID",
                "CIRCLE_WORKING_DIRECTORY");
        assertThat(task).containsEntry("CIRCLECI_LAUNCH_ID", "launch-7")
                .containsEntry("CIRCLE_WORKING_DIRECTORY", temp.toString());
        assertThat(task.values()).noneMatch(value -> value.contains("rc-token"));
    }
}
