package dev.runway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Helpers for tests: compile a text, read steps and edges back in short forms. */
final class Compiling {
    private Compiling() {}

    static Compilation compile(String yaml) {
        return compile(yaml, PipelineValues.builder().branch("main").build(), OrbSource.none());
    }

    static Compilation compile(String yaml, PipelineValues values, OrbSource orbs) {
        return PipelineCompiler.compile("config.yml", yaml.getBytes(StandardCharsets.UTF_8), values, orbs);
    }

    static CompiledPipeline ok(String yaml) {
        return ok(yaml, PipelineValues.builder().branch("main").build(), OrbSource.none());
    }

    static CompiledPipeline ok(String yaml, PipelineValues values, OrbSource orbs) {
        Compilation compilation = compile(yaml, values, orbs);
        assertThat(compilation.problems()).as("problems").isEmpty();
        return compilation.pipeline();
    }

    /** The problems as "line:column: message" lines. */
    static List<String> problems(String yaml) {
        return problems(compile(yaml));
    }

    static List<String> problems(Compilation compilation) {
        assertThat(compilation.pipeline()).as("pipeline of a config with problems").isNull();
        assertThat(compilation.problems()).as("problems").isNotEmpty();
        return compilation.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message())
                .collect(Collectors.toList());
    }

    /** Each step of a job: "run: COMMAND" for run steps, else the step type. */
    static List<String> steps(CompiledPipeline pipeline, String job) {
        assertThat(pipeline.jobs()).containsKey(job);
        List<String> steps = new ArrayList<>();
        for (CompiledPipeline.Step step : pipeline.jobs().get(job).steps()) {
            steps.add(step.type().equals("run") ? "run: " + step.arguments().get("command") : step.type());
        }
        return steps;
    }

    /** Jobs of a workflow as "name <- required, required". */
    static List<String> edges(CompiledPipeline pipeline, String workflow) {
        CompiledPipeline.Workflow found = pipeline.workflows().stream().filter(w -> w.name().equals(workflow))
                .findFirst().orElseThrow(() -> new AssertionError("no workflow " + workflow));
        List<String> edges = new ArrayList<>();
        for (CompiledPipeline.WorkflowJob job : found.jobs()) {
            edges.add(job.name() + " <- " + job.requires().stream().map(r -> r.statuses().equals(List.of("success"))
                    ? r.job() : r.job() + r.statuses()).collect(Collectors.joining(", ")));
        }
        return edges;
    }

    static List<String> workflowJobs(CompiledPipeline pipeline, String workflow) {
        return edges(pipeline, workflow).stream().map(e -> e.substring(0, e.indexOf(" <- ")))
                .collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstImage(CompiledPipeline pipeline, String job) {
        Object docker = pipeline.jobs().get(job).executorSettings();
        return ((List<Map<String, Object>>) docker).get(0);
    }
}
