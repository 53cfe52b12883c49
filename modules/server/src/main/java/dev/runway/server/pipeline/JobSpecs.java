package dev.runway.server.pipeline;

import dev.runway.pipeline.CompiledPipeline;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.JobDefinitionParser;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.Storage;
import dev.runway.protocol.RunnerApi.When;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled job as tasks: where it runs (a {@code machine} or {@code none} executor's {@code resource_class:
 * namespace/name}; a docker image's class from {@link PipelineSettings#dockerClasses()}, with a notice that the image
 * is not used), and its steps as the task agent understands them (steps it has no support for become a step that says
 * so and succeeds; caches, workspaces and artifacts are steps the task agent runs itself).
 */
final class JobSpecs {
    private JobSpecs() {}

    static JobSpec of(CompiledPipeline.Job job, PipelineSettings settings) {
        List<StepSpec> steps = new ArrayList<>();
        String resourceClass = null;
        String failure = null;
        String declared = job.resourceClass();
        switch (job.executor()) {
            case "docker" -> {
                String image = dockerImage(job.executorSettings());
                resourceClass = settings.dockerClasses().getOrDefault(image,
                        settings.dockerClasses().get(PipelineSettings.DEFAULT_IMAGE));
                if (resourceClass == null) {
                    failure = "job \"" + job.name() + "\" uses the docker executor (image " + image + "), and the"
                            + " server maps no resource class to that image: Runway does not run containers itself."
                            + " Map one with runway server --docker-class " + image + "=NAMESPACE/CLASS (or"
                            + " default=NAMESPACE/CLASS), or use machine: true with resource_class: NAMESPACE/CLASS";
                } else {
                    steps.add(notice("Docker image not used", "The docker image " + image + " is not used: this job"
                            + " runs directly on a machine runner of " + resourceClass + " (server setting"
                            + " docker-class)."));
                }
            }
            case "machine", "macos", "none" -> {
                if (declared != null && declared.contains("/")) {
                    resourceClass = declared;
                } else {
                    failure = "job \"" + job.name() + "\" has no self-hosted resource class: give it resource_class:"
                            + " NAMESPACE/CLASS (with machine: true), the class of the runners that run it"
                            + (declared == null ? "" : " (resource_class is \"" + declared + "\")");
                }
            }
            default -> failure = "job \"" + job.name() + "\": executor " + job.executor() + " is not supported";
        }
        for (CompiledPipeline.Step step : job.steps()) {
            steps.add(step(step, job.workingDirectory()));
        }
        if (steps.isEmpty()) {
            steps.add(notice("No steps", "The job has no steps."));
        }
        Map<String, String> environment = new LinkedHashMap<>(job.environment());
        return new JobSpec(resourceClass, List.copyOf(steps), environment,
                JobDefinitionParser.DEFAULT_MAX_RUN_TIME.toSeconds(), failure, List.of());
    }

    private static String dockerImage(Object settings) {
        if (settings instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first
                && first.get("image") != null) {
            return String.valueOf(first.get("image"));
        }
        return "(none)";
    }

    private static StepSpec step(CompiledPipeline.Step step, String jobDirectory) {
        Map<String, Object> args = step.arguments();
        switch (step.type()) {
            case "run": {
                String command = text(args.get("command"));
                String name = text(args.get("name"));
                if (name == null || name.isBlank()) {
                    String first = command == null ? "run" : command.strip().lines().findFirst().orElse("run");
                    name = first.length() > 80 ? first.substring(0, 77) + "..." : first;
                }
                Map<String, String> environment = new LinkedHashMap<>();
                if (args.get("environment") instanceof Map<?, ?> map) {
                    map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
                }
                String directory = text(args.get("working_directory"));
                long noOutput = args.get("no_output_timeout") == null ? 0
                        : GoDuration.parse(String.valueOf(args.get("no_output_timeout"))).toMillis();
                // the compiler checked max_auto_reruns (1 to 5) and auto_rerun_delay (a duration)
                int reruns = args.get("max_auto_reruns") instanceof Number n ? n.intValue() : 0;
                long rerunDelay = args.get("auto_rerun_delay") == null ? 0
                        : GoDuration.parse(String.valueOf(args.get("auto_rerun_delay"))).toMillis();
                return new StepSpec(StepType.RUN, name, command == null ? "true" : command, text(args.get("shell")),
                        environment, directory != null ? directory : jobDirectory, noOutput,
                        Boolean.TRUE.equals(args.get("background")), when(text(args.get("when"))), reruns,
                        rerunDelay);
            }
            case "checkout": {
                String path = text(args.get("path"));
                return new StepSpec(StepType.CHECKOUT, "Checkout code", null, null, Map.of(),
                        path != null ? path : jobDirectory, 0, false, When.ON_SUCCESS);
            }
            case "store_test_results": {
                String path = text(args.get("path"));
                if (path == null || path.isBlank()) {
                    return notice("store_test_results", "store_test_results has no path; nothing stored.");
                }
                return new StepSpec(StepType.STORE_TEST_RESULTS, text(args.get("name")), path, null, Map.of(),
                        jobDirectory, 0, false, When.ALWAYS);
            }
            case "add_ssh_keys": {
                List<String> fingerprints = new ArrayList<>();
                if (args.get("fingerprints") instanceof List<?> list) {
                    list.forEach(item -> fingerprints.add(String.valueOf(item)));
                }
                return new StepSpec(StepType.ADD_SSH_KEYS, text(args.get("name")), String.join("\n", fingerprints),
                        null, Map.of(), jobDirectory, 0, false, when(text(args.get("when"))));
            }
            case "save_cache":
                return storage(StepType.SAVE_CACHE, args, "Saving cache", jobDirectory,
                        new Storage(texts(args.get("key")), texts(args.get("paths")), null, null));
            case "restore_cache": {
                List<String> keys = new ArrayList<>(texts(args.get("key")));
                keys.addAll(texts(args.get("keys")));
                return storage(StepType.RESTORE_CACHE, args, "Restoring cache", jobDirectory,
                        new Storage(keys, List.of(), null, null));
            }
            case "persist_to_workspace":
                return storage(StepType.PERSIST_TO_WORKSPACE, args, "Persisting to workspace", jobDirectory,
                        new Storage(List.of(), texts(args.get("paths")), text(args.get("root")), null));
            case "attach_workspace":
                return storage(StepType.ATTACH_WORKSPACE, args, "Attaching workspace", jobDirectory,
                        new Storage(List.of(), List.of(), text(args.get("at")), null));
            case "store_artifacts":
                return storage(StepType.STORE_ARTIFACTS, args, "Uploading artifacts", jobDirectory,
                        new Storage(List.of(), List.of(), text(args.get("path")), text(args.get("destination"))));
            default:
                return notice(step.type(), "Step " + step.type() + " is not supported by Runway's machine runners"
                        + " yet; skipped.");
        }
    }

    /** A step the task agent runs itself; CircleCI's default name unless the config names it. */
    private static StepSpec storage(StepType type, Map<String, Object> args, String defaultName, String jobDirectory,
            Storage storage) {
        String name = text(args.get("name"));
        return new StepSpec(type, name == null || name.isBlank() ? defaultName : name, null, null, Map.of(),
                jobDirectory, 0, false, when(text(args.get("when"))), storage);
    }

    /** A string or a list of strings as a list (absent: empty). */
    private static List<String> texts(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            List<String> texts = new ArrayList<>();
            list.forEach(item -> texts.add(String.valueOf(item)));
            return texts;
        }
        return List.of(String.valueOf(value));
    }

    private static StepSpec notice(String name, String text) {
        return new StepSpec(StepType.RUN, name, "printf '%s\\n' '" + text.replace("'", "'\\''") + "'", "/bin/sh",
                Map.of(), null, 0, false, When.ALWAYS);
    }

    private static When when(String value) {
        if (value == null) {
            return When.ON_SUCCESS;
        }
        return switch (value) {
            case "on_fail" -> When.ON_FAIL;
            case "always" -> When.ALWAYS;
            default -> When.ON_SUCCESS;
        };
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
