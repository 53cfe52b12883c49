package dev.runway.it.bench;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.pipeline.Compilation;
import dev.runway.pipeline.OrbSource;
import dev.runway.pipeline.PipelineCompiler;
import dev.runway.pipeline.PipelineValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pipeline config compilation of the largest real config of the compiler's corpus: warm (in this JVM, after
 * warm-up; each sample the mean of a batch of 10) against merely parsing the same YAML into a tree, and cold ({@code runway config process}, a new process)
 * against {@code runway --version}. Runs alternate so both sides of a ratio see the same load.
 */
final class PipelineBench {
    private static final int RUNS = 20;
    private static final int BATCH = 10;
    private final Options options;
    private final Path config;

    PipelineBench(Options options) {
        this.options = options;
        this.config = Path.of(System.getProperty("bench.pipeline.config",
                "../modules/pipeline/src/test/resources/corpus/QuinnyPig__localstack/.circleci/config.yml"));
    }

    List<Row> measure() throws Exception {
        byte[] bytes = Files.readAllBytes(config);
        YAMLMapper yaml = new YAMLMapper();
        PipelineValues values = PipelineValues.builder().branch("main").build();
        OrbSource orbs = OrbSource.forConfig(config, List.of());
        for (int i = 0; i < 200; i++) { // warm: the JIT has compiled both paths before the first timed run
            compile(bytes, values, orbs);
            yaml.readTree(bytes);
        }
        List<Double> compile = new ArrayList<>();
        List<Double> parse = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) { // each sample is the mean of a batch: one run is near the timer's noise
            long start = System.nanoTime();
            for (int b = 0; b < BATCH; b++) {
                compile(bytes, values, orbs);
            }
            compile.add((System.nanoTime() - start) / 1e6 / BATCH);
            start = System.nanoTime();
            for (int b = 0; b < BATCH; b++) {
                yaml.readTree(bytes);
            }
            parse.add((System.nanoTime() - start) / 1e6 / BATCH);
        }
        Stats warm = Stats.of(compile);
        Stats parsed = Stats.of(parse);
        String note = bytes.length + " bytes, " + config.getParent().getParent().getFileName();
        Row warmRow = Row.measured("pipeline config compile, warm", "ms", warm, "parse the same YAML (Jackson tree)",
                parsed, "<= 3x floor", warm.median() <= 3 * parsed.median(), note);
        List<Double> cold = new ArrayList<>();
        List<Double> version = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            cold.add(Processes.timeMillis(options.runway().toString(), "config", "process", config.toString()));
            version.add(Processes.timeMillis(options.runway().toString(), "--version"));
        }
        Row coldRow = Row.infoBeside("pipeline config compile, cold process (runway config process)", "ms",
                Stats.of(cold), "runway --version", Stats.of(version), note);
        return List.of(warmRow, coldRow);
    }

    private static void compile(byte[] bytes, PipelineValues values, OrbSource orbs) {
        Compilation compilation = PipelineCompiler.compile("config.yml", bytes, values, orbs);
        if (!compilation.ok()) {
            throw new IllegalStateException("the benchmark config does not compile: " + compilation.problems());
        }
    }
}
