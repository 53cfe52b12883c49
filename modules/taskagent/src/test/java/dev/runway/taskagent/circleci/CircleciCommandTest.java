package dev.runway.taskagent.circleci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.protocol.RunnerApi.TestTimings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code circleci tests ...} as a job runs it: names on standard input, the node from the environment. */
class CircleciCommandTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private Run run(String stdin, Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new CircleciCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                environment, dir).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void splitByTimingsReadsTheTaskAgentsFileAndTheNodeFromTheEnvironment() throws Exception {
        Path timings = dir.resolve("timings.json");
        Files.write(timings, Json.write(new TestTimings(List.of(
                new TestRecord("a", "A", "a.py", "success", 9, "", "r"),
                new TestRecord("b", "B", "b.py", "success", 5, "", "r"),
                new TestRecord("c", "C", "c.py", "success", 4, "", "r")))));
        Map<String, String> node0 = Map.of(CircleciCommand.TIMINGS_VARIABLE, timings.toString(),
                "CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "2");
        Run first = run("a.py b.py\nc.py\n", node0, "tests", "split", "--split-by=timings");
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("a.py\n");
        Run second = run("a.py b.py c.py", Map.of(CircleciCommand.TIMINGS_VARIABLE, timings.toString()), "tests",
                "split", "--split-by", "timings", "--index", "1", "--total", "2");
        assertThat(second.out()).isEqualTo("b.py\nc.py\n");
        Run byClass = run("A B C", node0, "tests", "split", "--split-by=timings", "--timings-type=classname");
        assertThat(byClass.out()).isEqualTo("A\n");
    }

    @Test
    void splitWithoutTimingsSaysSoAndReadsFilesGivenAsArguments() throws Exception {
        Files.writeString(dir.resolve("list.txt"), "x\ny\nz\n");
        Run run = run("", Map.of("CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "2"), "tests", "split",
                "--split-by=timings", "list.txt");
        assertThat(run.status()).isZero();
        assertThat(run.err()).contains("no timing data");
        assertThat(run.out().lines()).hasSize(1);
        assertThat(run("", Map.of(), "tests", "split", "missing.txt").err()).contains("missing.txt: no such file");
    }

    @Test
    void splitByFilesizeAndByName() throws Exception {
        Files.writeString(dir.resolve("big"), "x".repeat(1000));
        Files.writeString(dir.resolve("small1"), "x");
        Files.writeString(dir.resolve("small2"), "xx");
        Map<String, String> node0 = Map.of("CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "2");
        assertThat(run("small1 big small2", node0, "tests", "split", "--split-by=filesize").out()).isEqualTo("big\n");
        assertThat(run("c a b", node0, "tests", "split").out()).isEqualTo("a\nc\n");
    }

    @Test
    void runPipesThisNodesShareIntoTheCommand() {
        Run run = run("t1 t2 t3 t4", Map.of("CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "2"), "tests", "run",
                "--command=xargs echo ran:; exit 3", "--verbose");
        assertThat(run.status()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("ran: t2 t4\n");
        assertThat(run.err()).contains("node 1 of 2 runs 2 test(s): t2 t4");
    }

    @Test
    void globAndBadArgumentsAreNamed() throws Exception {
        Files.createDirectories(dir.resolve("spec/a"));
        Files.writeString(dir.resolve("spec/a/x_spec.rb"), "");
        assertThat(run("", Map.of(), "tests", "glob", "spec/**/*_spec.rb").out()).isEqualTo("spec/a/x_spec.rb\n");
        Run bad = run("", Map.of(), "tests", "split", "--split-by=speed");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--split-by: \"speed\" is not one of name, filesize, timings", "usage:");
        assertThat(run("", Map.of("CIRCLE_NODE_INDEX", "4", "CIRCLE_NODE_TOTAL", "4"), "tests", "split").err())
                .contains("node index 4 is not within the 4 nodes");
        assertThat(run("", Map.of(), "tests", "split", "--timings-type=file").err()).contains("--timings-type");
        assertThat(run("", Map.of(), "build").status()).isEqualTo(2);
    }
}
