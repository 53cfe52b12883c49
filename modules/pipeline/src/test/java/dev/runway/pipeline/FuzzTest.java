package dev.runway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Random YAML and mutated real configs: compiling any input either succeeds or reports problems (never throws),
 * within 1 s and 64 MiB of allocation per input. {@code -Dfuzz.inputs=N} sets the number of inputs (the build's
 * default is small enough for every verify), {@code -Dfuzz.seed=S} the seed. A failing input is written under
 * target/fuzz-failures with its index.
 */
class FuzzTest {
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_ALLOCATED = 64L * 1024 * 1024;
    private static final String[] KEYS = {"version", "jobs", "workflows", "commands", "executors", "parameters",
        "orbs", "steps", "run", "checkout", "docker", "machine", "macos", "image", "environment", "requires",
        "matrix", "alias", "exclude", "when", "unless", "condition", "and", "or", "not", "equal", "matches",
        "pattern", "value", "type", "default", "enum", "filters", "branches", "tags", "only", "ignore", "name",
        "command", "pre-steps", "post-steps", "executor", "resource_class", "context", "triggers", "schedule",
        "cron", "setup", "save_cache", "restore_cache", "key", "paths", "parallelism", "working_directory",
        "no_output_timeout", "serial-group", "shell", "background", "build", "test", "deploy", "x"};
    private static final String[] SCALARS = {"2.1", "2", "true", "false", "null", "~", "0", "-1", "1e400",
        "<< parameters.x >>", "<< pipeline.git.branch >>", "<< pipeline.parameters.p >>", "<<# parameters.b >>a<</ parameters.b >>",
        "<< matrix.v >>", "/.*/", "/(a+)+$/", "[", "\"quoted\"", "'single'", "string", "steps", "executor", "integer",
        "boolean", "enum", "env_var_name", "build", "test", "checkout", "approval", "10m", "always", "|\n  multi\n  line",
        "0 0 * * *", "ns/orb@1.0.0", "*a", "&a x", "!!binary aGk=", "!!set {a, b}", "? complex", "yes", "0x1F"};

    @Test
    void everyInputCompilesOrReportsProblemsWithinItsBounds() throws Exception {
        int inputs = Integer.getInteger("fuzz.inputs", 3000);
        long seed = Long.getLong("fuzz.seed", 20261207L);
        List<byte[]> corpus = new ArrayList<>();
        try (var configs = CorpusTest.configs()) {
            for (Path config : configs.toList()) {
                corpus.add(Files.readAllBytes(config));
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
                ManagementFactory.getThreadMXBean();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            for (byte[] config : corpus) {
                run(worker, threads, config); // warm-up: the first compilations load and compile classes
            }
            Random random = new Random(seed);
            long slowest = 0;
            int slowestIndex = -1;
            long mostAllocated = 0;
            int problemsReported = 0;
            for (int i = 0; i < inputs; i++) {
                byte[] input = input(random, corpus, i);
                Result result;
                try {
                    result = run(worker, threads, input);
                } catch (TimeoutException e) {
                    fail(input, i, "took more than 1 s");
                    return;
                } catch (ExecutionException e) {
                    fail(input, i, "threw " + e.getCause());
                    throw e;
                }
                if (result.allocated > MAX_ALLOCATED) {
                    fail(input, i, "allocated " + result.allocated + " bytes");
                }
                if (result.nanos > slowest) {
                    slowest = result.nanos;
                    slowestIndex = i;
                }
                mostAllocated = Math.max(mostAllocated, result.allocated);
                problemsReported += result.compilation.ok() ? 0 : 1;
                assertThat(result.compilation.problems()).allSatisfy(p -> {
                    assertThat(p.file()).isNotEmpty();
                    assertThat(p.line()).isNotNegative();
                    assertThat(p.column()).isNotNegative();
                });
            }
            System.out.printf("fuzz: %d inputs (seed %d), %d with problems; slowest %.1f ms (input %d); most"
                    + " allocated %.1f MiB%n", inputs, seed, problemsReported, slowest / 1e6, slowestIndex,
                    mostAllocated / 1048576.0);
        } finally {
            worker.shutdownNow();
        }
    }

    private record Result(Compilation compilation, long nanos, long allocated) {}

    private static Result run(ExecutorService worker, com.sun.management.ThreadMXBean threads, byte[] input)
            throws Exception {
        Future<Result> future = worker.submit(() -> {
            long thread = Thread.currentThread().getId();
            long allocatedBefore = threads.getThreadAllocatedBytes(thread);
            long start = System.nanoTime();
            Compilation compilation = PipelineCompiler.compile("fuzz.yml", input,
                    PipelineValues.builder().branch("main").tag("v1").parameter("p", "1").build(), OrbSource.none());
            long nanos = System.nanoTime() - start;
            return new Result(compilation, nanos, threads.getThreadAllocatedBytes(thread) - allocatedBefore);
        });
        try {
            return future.get(MAX_NANOS, TimeUnit.NANOSECONDS);
        } finally {
            future.cancel(true);
        }
    }

    private static void fail(byte[] input, int index, String what) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
        Files.write(dir.resolve("input-" + index + ".yml"), input);
        throw new AssertionError("fuzz input " + index + " " + what + "; written to " + dir);
    }

    /** One input: a third random YAML, most of the rest mutated real configs, a few hostile shapes. */
    private static byte[] input(Random random, List<byte[]> corpus, int index) {
        int kind = index % 10;
        if (kind < 3) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "version: 2.1\n" : "");
            randomMapping(random, text, 0, random.nextInt(4) + 1);
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        if (kind == 9) {
            return hostile(random).getBytes(StandardCharsets.UTF_8);
        }
        byte[] base = corpus.get(random.nextInt(corpus.size()));
        return mutate(random, base, corpus);
    }

    private static void randomMapping(Random random, StringBuilder text, int indent, int depth) {
        int keys = random.nextInt(5) + 1;
        for (int k = 0; k < keys; k++) {
            text.append(" ".repeat(indent)).append(KEYS[random.nextInt(KEYS.length)]).append(':');
            int shape = depth <= 0 ? 0 : random.nextInt(4);
            if (shape == 0) {
                text.append(' ').append(SCALARS[random.nextInt(SCALARS.length)]).append('\n');
            } else if (shape == 1) {
                text.append('\n');
                randomMapping(random, text, indent + 2, depth - 1);
            } else if (shape == 2) {
                text.append('\n');
                int items = random.nextInt(4) + 1;
                for (int i = 0; i < items; i++) {
                    if (random.nextBoolean()) {
                        text.append(" ".repeat(indent + 2)).append("- ").append(SCALARS[random.nextInt(SCALARS.length)])
                                .append('\n');
                    } else {
                        text.append(" ".repeat(indent + 2)).append("-\n");
                        randomMapping(random, text, indent + 4, depth - 1);
                    }
                }
            } else {
                text.append(" {").append(KEYS[random.nextInt(KEYS.length)]).append(": [")
                        .append(SCALARS[random.nextInt(SCALARS.length)].replace("\n", " ")).append("]}\n");
            }
        }
    }

    private static byte[] mutate(Random random, byte[] base, List<byte[]> corpus) {
        List<String> lines = new ArrayList<>(List.of(new String(base, StandardCharsets.UTF_8).split("\n", -1)));
        int mutations = random.nextInt(4) + 1;
        for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
            int at = random.nextInt(lines.size());
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                case 2 -> lines.set(at, "  " + lines.get(at));
                case 3 -> lines.set(at, lines.get(at).replaceFirst("^  ", ""));
                case 4 -> {
                    String line = lines.get(at);
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        lines.set(at, line.substring(0, colon + 1) + " " + SCALARS[random.nextInt(SCALARS.length)]
                                .replace("\n", " "));
                    }
                }
                case 5 -> {
                    String[] other = new String(corpus.get(random.nextInt(corpus.size())), StandardCharsets.UTF_8)
                            .split("\n");
                    lines.add(at, other[random.nextInt(other.length)]);
                }
                case 6 -> {
                    String line = lines.get(at);
                    if (!line.isEmpty()) {
                        int c = random.nextInt(line.length());
                        lines.set(at, line.substring(0, c) + (char) (random.nextInt(95) + 32) + line.substring(c + 1));
                    }
                }
                case 7 -> lines.set(at, lines.get(at).replaceFirst("[A-Za-z_-]+:", KEYS[random.nextInt(KEYS.length)]
                        + ":"));
                default -> lines.set(at, lines.get(at) + " # " + SCALARS[random.nextInt(SCALARS.length)]);
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    /** Alias bombs, deep nesting, huge matrices, self-invoking commands, heavy regular expressions. */
    private static String hostile(Random random) {
        int n = random.nextInt(6);
        return switch (n) {
            case 0 -> {
                StringBuilder bomb = new StringBuilder("version: 2.1\na0: &a0 [lol, lol, lol, lol, lol, lol, lol]\n");
                for (int i = 1; i < 12; i++) {
                    bomb.append("a").append(i).append(": &a").append(i).append(" [");
                    bomb.append(String.join(", ", java.util.Collections.nCopies(7, "*a" + (i - 1)))).append("]\n");
                }
                yield bomb.toString();
            }
            case 1 -> "version: 2.1\njobs: " + "[".repeat(random.nextInt(5000) + 10) + "\n";
            case 2 -> {
                StringBuilder deep = new StringBuilder("version: 2.1\njobs:\n");
                int depth = random.nextInt(300) + 50;
                for (int i = 0; i < depth; i++) {
                    deep.append(" ".repeat(i + 2)).append("k").append(i).append(":\n");
                }
                yield deep.toString();
            }
            case 3 -> {
                StringBuilder matrix = new StringBuilder("""
                        version: 2.1
                        jobs:
                          b:
                            parameters: {a: {type: integer}, c: {type: integer}, d: {type: integer}}
                            machine: true
                            steps: [checkout]
                        workflows:
                          w:
                            jobs:
                              - b:
                                  matrix:
                                    parameters:
                        """);
                for (String p : List.of("a", "c", "d")) {
                    matrix.append("                  ").append(p).append(": [");
                    int values = random.nextInt(40) + 1;
                    for (int v = 0; v < values; v++) {
                        matrix.append(v == 0 ? "" : ", ").append(v);
                    }
                    matrix.append("]\n");
                }
                yield matrix.toString();
            }
            case 4 -> """
                    version: 2.1
                    commands:
                      twice:
                        steps: [twice, twice]
                    jobs:
                      b: {machine: true, steps: [twice]}
                    workflows: {w: {jobs: [b]}}
                    """;
            default -> """
                    version: 2.1
                    jobs:
                      b: {machine: true, steps: [checkout]}
                    workflows:
                      w:
                        when:
                          matches: {pattern: "(a|aa)+$", value: "%s!"}
                        jobs:
                          - b:
                              filters: {branches: {only: /(x+x+)+y/}}
                    """.formatted("a".repeat(random.nextInt(60) + 20));
        };
    }
}
