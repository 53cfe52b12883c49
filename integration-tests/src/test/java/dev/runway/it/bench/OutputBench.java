package dev.runway.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Output throughput, step stdout -> durable store, measured by the task agent's own harness
 * ({@code dev.runway.taskagent.TaskAgentBenchmark} with the image's {@code runway task-agent}), run once per run in
 * a JVM of its own; beside it {@code dd} writes the same bytes (the step's own {@code seq | head -c} text) to a
 * file on the same disk.
 */
final class OutputBench {
    private static final Pattern THROUGHPUT = Pattern.compile("throughput: .*: ([0-9.]+) MiB/s");
    private static final Pattern START_UP = Pattern.compile("start-up: .*: (\\d+) ms");

    private final Options options;

    OutputBench(Options options) {
        this.options = options;
    }

    List<Row> measure() throws Exception {
        String target = ">= 100 MiB/s and >= 0.3x floor";
        if (options.taskAgentClassPath().isEmpty()) {
            return List.of(Row.skipped("output throughput, step stdout -> store", target,
                    "the task agent's harness class path is not set (run bench/run.sh, which sets "
                            + "-Dbench.taskagent.classpath)"));
        }
        Path directory = Files.createDirectories(options.work().resolve("output"));
        long bytes = (long) options.outputMiB() * 1024 * 1024;
        List<Double> runway = new ArrayList<>();
        List<Double> dd = new ArrayList<>();
        List<Double> startUp = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            String printed = Processes.run(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Djava.io.tmpdir=" + directory, "-cp", options.taskAgentClassPath(),
                    "dev.runway.taskagent.TaskAgentBenchmark", Integer.toString(options.outputMiB()), "1",
                    options.runway().toString()), Map.of(), 900);
            runway.add(Double.parseDouble(find(THROUGHPUT, printed)));
            startUp.add(Double.parseDouble(find(START_UP, printed)));
            Path file = directory.resolve("dd.out");
            double millis = Processes.timeMillis("sh", "-c", "{ seq 1 999999999 || true; } | head -c " + bytes
                    + " | dd of=" + file + " bs=1M iflag=fullblock status=none");
            dd.add(options.outputMiB() * 1000 / millis);
            Files.deleteIfExists(file);
        }
        Stats figure = Stats.of(runway);
        Stats floor = Stats.of(dd);
        return List.of(
                Row.measured("output throughput, step stdout -> store", "MiB/s", figure,
                        "dd of the same bytes, same disk", floor, target,
                        figure.median() >= 100 && figure.median() >= 0.3 * floor.median(),
                        options.outputMiB() + " MiB per run; TaskAgentBenchmark (server in its JVM, the image's task "
                                + "agent); dd without fsync, as the server's output files"),
                Row.info("task agent alone: process start -> first step (pre-claimed)", "ms", Stats.of(startUp),
                        "TaskAgentBenchmark's start-up figure, one per run"));
    }

    private static String find(Pattern pattern, String printed) {
        Matcher matcher = pattern.matcher(printed);
        if (!matcher.find()) {
            throw new IllegalStateException("TaskAgentBenchmark printed no " + pattern + ":\n" + printed);
        }
        return matcher.group(1);
    }
}
