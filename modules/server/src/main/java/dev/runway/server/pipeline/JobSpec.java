package dev.runway.server.pipeline;

import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What each task of a workflow job runs, fixed when the pipeline is compiled: the resource class, the steps in the
 * task agent's shapes, the job's environment, and {@code failure} when the job cannot run anywhere (it then fails at
 * its turn with that reason, and no task is queued), and the contexts the workflow job names.
 */
public record JobSpec(String resourceClass, List<StepSpec> steps, Map<String, String> environment,
        long maxRunTimeSeconds, String failure, List<String> contexts) {
    public JobSpec {
        contexts = contexts == null ? List.of() : List.copyOf(contexts);
    }

    /** This spec for a workflow job that names {@code contexts} (their variables become the job's secrets). */
    public JobSpec withContexts(List<String> contexts) {
        return new JobSpec(resourceClass, steps, environment, maxRunTimeSeconds, failure, contexts);
    }

    public String toJson() {
        return Json.writeString(this);
    }

    public static JobSpec fromJson(String json) {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8), JobSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored workflow job is unreadable", e);
        }
    }
}
