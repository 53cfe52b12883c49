package dev.runway.pipeline;

import dev.runway.pipeline.workflows.Plan;
import dev.runway.pipeline.yaml.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the compiler's internal plan into the public {@link CompiledPipeline} records. */
final class Models {
    private static final List<String> EXECUTOR_TYPES = List.of("docker", "machine", "macos");

    private Models() {}

    static CompiledPipeline pipeline(boolean setup, Plan plan) {
        Map<String, CompiledPipeline.Job> jobs = new LinkedHashMap<>();
        plan.jobs().forEach((key, processed) -> jobs.put(key, job(key, processed)));
        List<CompiledPipeline.Workflow> workflows = new ArrayList<>();
        for (Plan.Workflow workflow : plan.workflows()) {
            List<CompiledPipeline.WorkflowJob> list = new ArrayList<>();
            for (Plan.Job job : workflow.jobs()) {
                List<CompiledPipeline.Requirement> requires = new ArrayList<>();
                job.requires().forEach(r -> requires.add(new CompiledPipeline.Requirement(r.job(), r.statuses())));
                list.add(new CompiledPipeline.WorkflowJob(job.name(), job.key(), job.approval(), List.copyOf(requires),
                        List.copyOf(job.contexts()), job.filters() == null ? null : job.filters().toPlain(),
                        job.runs(), job.serialGroup(), job.matrix()));
            }
            List<Object> triggers = new ArrayList<>();
            workflow.triggers().forEach(trigger -> triggers.add(trigger.toPlain()));
            workflows.add(new CompiledPipeline.Workflow(workflow.name(), List.copyOf(list), triggers,
                    workflow.maxAutoReruns()));
        }
        return new CompiledPipeline(setup, jobs, workflows);
    }

    @SuppressWarnings("unchecked")
    private static CompiledPipeline.Job job(String name, Node.Mapping processed) {
        Map<String, Object> definition = (Map<String, Object>) processed.toPlain();
        String executor = "none";
        Object settings = null;
        for (String type : EXECUTOR_TYPES) {
            if (definition.containsKey(type)) {
                executor = type;
                settings = definition.get(type);
                break;
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (definition.get("environment") instanceof Map<?, ?> map) {
            map.forEach((key, value) -> environment.put(String.valueOf(key), value == null ? ""
                    : String.valueOf(value)));
        }
        List<CompiledPipeline.Step> steps = new ArrayList<>();
        if (definition.get("steps") instanceof List<?> list) {
            for (Object step : list) {
                if (step instanceof String type) {
                    steps.add(new CompiledPipeline.Step(type, Map.of()));
                } else if (step instanceof Map<?, ?> map && map.size() == 1) {
                    Map.Entry<?, ?> entry = map.entrySet().iterator().next();
                    Map<String, Object> arguments = entry.getValue() instanceof Map<?, ?> args
                            ? (Map<String, Object>) args : Map.of();
                    steps.add(new CompiledPipeline.Step(String.valueOf(entry.getKey()), arguments));
                }
            }
        }
        int parallelism = definition.get("parallelism") instanceof Long p ? (int) Math.min(p, Integer.MAX_VALUE) : 1;
        return new CompiledPipeline.Job(name, text(definition.get("type"), "build"), executor, settings,
                text(definition.get("resource_class"), null), text(definition.get("working_directory"), null),
                text(definition.get("shell"), null), environment, parallelism, List.copyOf(steps), definition);
    }

    private static String text(Object value, String otherwise) {
        return value == null ? otherwise : String.valueOf(value);
    }
}
