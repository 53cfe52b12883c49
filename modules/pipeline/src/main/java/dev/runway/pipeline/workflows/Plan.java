package dev.runway.pipeline.workflows;

import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Source;
import java.util.List;
import java.util.Map;

/** What {@link Workflows} produces: the processed jobs by unique key, and each workflow's job invocations. */
public record Plan(Map<String, Node.Mapping> jobs, List<Workflow> workflows) {
    /** One workflow that runs (its when/unless held); {@code maxAutoReruns} 0 when it is not rerun on failure. */
    public record Workflow(String name, List<Job> jobs, List<Node> triggers, Source at, int maxAutoReruns) {}

    /**
     * One job of a workflow. {@code key} names its processed job in {@link Plan#jobs()} (null for an approval job);
     * {@code runs} says whether its filters admit the pipeline's branch and tag.
     */
    public record Job(String name, String key, String reference, boolean approval, List<Requirement> requires,
            List<String> contexts, Node filters, boolean runs, String serialGroup, Map<String, Object> matrix,
            Source at) {}

    /** A requires edge: the job required and the statuses of it that satisfy the requirement. */
    public record Requirement(String job, List<String> statuses) {}
}
