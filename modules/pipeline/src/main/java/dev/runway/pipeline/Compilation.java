package dev.runway.pipeline;

import java.util.List;

/** The outcome of a compilation: the pipeline when there are no problems, else every problem found. */
public record Compilation(CompiledPipeline pipeline, List<Problem> problems) {
    public Compilation {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return pipeline != null && problems.isEmpty();
    }
}
