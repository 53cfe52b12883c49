package dev.runway.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.protocol.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled pipeline: every job a workflow runs, fully expanded and keyed by its unique name, and the workflows
 * whose conditions held, with their jobs' final names, requires edges, filters and contexts.
 */
public record CompiledPipeline(boolean setup, Map<String, Job> jobs, List<Workflow> workflows) {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build();

    public CompiledPipeline {
        jobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
        workflows = List.copyOf(workflows);
    }

    /**
     * One processed job. {@code executor} is docker, machine, macos or none (approval and no-op jobs);
     * {@code definition} is the whole processed job as CircleCI's processed config shows it.
     */
    public record Job(String name, String type, String executor, Object executorSettings, String resourceClass,
            String workingDirectory, String shell, Map<String, String> environment, int parallelism,
            List<Step> steps, Map<String, Object> definition) {}

    /** A built-in step after expansion: its type (run, checkout, save_cache, ...) and its arguments. */
    public record Step(String type, Map<String, Object> arguments) {
        /** Steps a self-hosted machine runner cannot perform: they are kept, and reported by the runner. */
        private static final Set<String> UNSUPPORTED_ON_MACHINE = Set.of("setup_remote_docker");

        public boolean supportedByMachineRunner() {
            return !UNSUPPORTED_ON_MACHINE.contains(type);
        }
    }

    /**
     * A workflow that runs: its jobs in the order written, and its schedule triggers as written. {@code maxAutoReruns}:
     * how many times a failed run of it is rerun from failed on its own (0: never).
     */
    public record Workflow(String name, List<WorkflowJob> jobs, List<Object> triggers, int maxAutoReruns) {}

    /**
     * A job of a workflow by its final name. {@code job} is the key of its processed job in {@link #jobs()} (null
     * for an approval job); {@code runs} says whether its filters admit the compiled branch and tag;
     * {@code matrix} holds the arguments a matrix gave it.
     */
    public record WorkflowJob(String name, String job, boolean approval, List<Requirement> requires,
            List<String> contexts, Object filters, boolean runs, String serialGroup, Map<String, Object> matrix) {}

    /** A requires edge: the job required, by final name, and the statuses of it that satisfy the requirement. */
    public record Requirement(String job, List<String> statuses) {}

    /** The processed config in CircleCI's shape: {@code version: 2}, {@code jobs:}, {@code workflows:}. */
    public Map<String, Object> processedConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("version", 2);
        Map<String, Object> jobMap = new LinkedHashMap<>();
        jobs.forEach((key, job) -> jobMap.put(key, job.definition()));
        config.put("jobs", jobMap);
        Map<String, Object> workflowMap = new LinkedHashMap<>();
        workflowMap.put("version", 2);
        for (Workflow workflow : workflows) {
            Map<String, Object> one = new LinkedHashMap<>();
            if (!workflow.triggers().isEmpty()) {
                one.put("triggers", workflow.triggers());
            }
            if (workflow.maxAutoReruns() > 0) {
                one.put("max_auto_reruns", workflow.maxAutoReruns());
            }
            List<Object> list = new ArrayList<>();
            for (WorkflowJob job : workflow.jobs()) {
                Map<String, Object> settings = new LinkedHashMap<>();
                String key = job.approval() ? job.name() : job.job();
                if (!key.equals(job.name())) {
                    settings.put("name", job.name());
                }
                if (job.approval()) {
                    settings.put("type", "approval");
                }
                if (!job.requires().isEmpty()) {
                    List<Object> requires = new ArrayList<>();
                    for (Requirement requirement : job.requires()) {
                        requires.add(requirement.statuses().equals(List.of("success")) ? requirement.job()
                                : Map.of(requirement.job(), requirement.statuses()));
                    }
                    settings.put("requires", requires);
                }
                if (!job.contexts().isEmpty()) {
                    settings.put("context", job.contexts());
                }
                if (job.filters() != null) {
                    settings.put("filters", job.filters());
                }
                if (job.serialGroup() != null) {
                    settings.put("serial-group", job.serialGroup());
                }
                list.add(settings.isEmpty() ? key : Map.of(key, settings));
            }
            one.put("jobs", list);
            workflowMap.put(workflow.name(), one);
        }
        config.put("workflows", workflowMap);
        return config;
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(processedConfig());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toJson() {
        return Json.writeString(processedConfig());
    }
}
