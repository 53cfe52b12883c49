package dev.runway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a submitted job (steps in CircleCI's shapes) into what a task agent runs. Every error names the field at
 * fault, e.g. {@code steps[2].run.no_output_timeout: invalid duration "ten": ...}. Shared by the server and the CLI
 * (which validates a job file before submitting it).
 */
public final class JobDefinitionParser {
    /** CircleCI's default for {@code max_run_time}. */
    public static final Duration DEFAULT_MAX_RUN_TIME = Duration.ofHours(5);
    private static final Set<String> RUN_KEYS = Set.of("name", "command", "shell", "environment",
            "working_directory", "no_output_timeout", "background", "when", "max_auto_reruns", "auto_rerun_delay");
    /** CircleCI's bounds: 1 to 5 reruns of a step, at most 10 minutes apart. */
    public static final int MAX_STEP_RERUNS = 5;
    public static final Duration MAX_RERUN_DELAY = Duration.ofMinutes(10);
    private static final Set<String> JOB_KEYS = Set.of("resource_class", "name", "steps", "environment", "secrets",
            "checkout", "max_run_time");

    private JobDefinitionParser() {}

    /** A job ready to queue: steps normalised, {@code maxRunTime} parsed. */
    public record JobDefinition(Names.ResourceClassName resourceClass, String name, List<StepSpec> steps,
            Map<String, String> environment, Map<String, String> secrets, Checkout checkout, Duration maxRunTime) {
        @Override
        public String toString() {
            return "JobDefinition[resourceClass=" + resourceClass + ", name=" + name + ", steps=" + steps.size()
                    + ", secrets=" + secrets.keySet() + "]";
        }
    }

    /** Reads a job file's tree (JSON or YAML read into a tree) into a submission; unknown keys are refused. */
    public static JobSubmission submission(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("a job is a mapping with resource_class, name and steps");
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!JOB_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown field (known: " + String.join(", ",
                        new java.util.TreeSet<>(JOB_KEYS)) + ")");
            }
        }
        JsonNode steps = tree.get("steps");
        if (steps != null && !steps.isArray()) {
            throw new IllegalArgumentException("steps: must be a list");
        }
        List<JsonNode> stepList = new ArrayList<>();
        if (steps != null) {
            steps.forEach(stepList::add);
        }
        return new JobSubmission(text(tree, "resource_class", "resource_class"), text(tree, "name", "name"),
                steps == null ? null : stepList, stringMap(tree.get("environment"), "environment"),
                stringMap(tree.get("secrets"), "secrets"), checkout(tree.get("checkout")),
                text(tree, "max_run_time", "max_run_time"));
    }

    /** Validates and normalises a submission. */
    public static JobDefinition parse(JobSubmission job) {
        Names.ResourceClassName resourceClass = Names.resourceClass("resource_class", job.resourceClass());
        String name = job.name() == null || job.name().isBlank() ? "job" : job.name().strip();
        if (job.steps() == null || job.steps().isEmpty()) {
            throw new IllegalArgumentException("steps: a job needs at least one step");
        }
        Map<String, String> environment = environment("environment", job.environment());
        Map<String, String> secrets = environment("secrets", job.secrets());
        Checkout checkout = job.checkout();
        if (checkout != null && (checkout.repository() == null || checkout.repository().isBlank())) {
            throw new IllegalArgumentException("checkout.repository: is required");
        }
        if (checkout != null) {
            GitRefs.repository("checkout.repository", checkout.repository());
            if (checkout.revision() != null && !checkout.revision().isEmpty()) {
                GitRefs.revision("checkout.revision", checkout.revision());
            }
            if (checkout.branch() != null && !checkout.branch().isEmpty()) {
                GitRefs.branch("checkout.branch", checkout.branch());
            }
        }
        List<StepSpec> steps = new ArrayList<>();
        for (int i = 0; i < job.steps().size(); i++) {
            StepSpec step = step("steps[" + i + "]", job.steps().get(i));
            if (step.type() == StepType.CHECKOUT && checkout == null) {
                throw new IllegalArgumentException("steps[" + i + "]: a checkout step needs the job's "
                        + "checkout.repository");
            }
            steps.add(step);
        }
        Duration maxRunTime = DEFAULT_MAX_RUN_TIME;
        if (job.maxRunTime() != null) {
            maxRunTime = duration("max_run_time", job.maxRunTime());
            if (maxRunTime.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("max_run_time: must be at least 1s");
            }
        }
        return new JobDefinition(resourceClass, name, List.copyOf(steps), environment, secrets, checkout,
                maxRunTime);
    }

    private static StepSpec step(String field, JsonNode node) {
        if (node != null && node.isTextual()) {
            if (node.asText().equals("checkout")) {
                return checkoutStep();
            }
            throw new IllegalArgumentException(field + ": unknown step \"" + node.asText()
                    + "\" (a step is \"checkout\", {run: command} or {run: {command: ...}})");
        }
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException(field + ": a step is \"checkout\", {run: command} or "
                    + "{run: {command: ...}} (exactly one key)");
        }
        String type = node.fieldNames().next();
        JsonNode body = node.get(type);
        switch (type) {
            case "checkout":
                if (!body.isNull() && !(body.isObject() && body.isEmpty())) {
                    throw new IllegalArgumentException(field + ".checkout: takes no options in Runway");
                }
                return checkoutStep();
            case "run":
                return run(field + ".run", body);
            default:
                throw new IllegalArgumentException(field + ": unsupported step type \"" + type
                        + "\" (Runway runs run and checkout steps)");
        }
    }

    private static StepSpec checkoutStep() {
        return new StepSpec(StepType.CHECKOUT, "Checkout code", null, null, Map.of(), null, 0, false,
                When.ON_SUCCESS);
    }

    private static StepSpec run(String field, JsonNode body) {
        // YAML reads `run: true` as a boolean: a scalar is the command as written
        if (body.isValueNode() && !body.isNull()) {
            String command = nonBlank(field, body.asText());
            return new StepSpec(StepType.RUN, defaultName(command), command, null, Map.of(), null, 0, false,
                    When.ON_SUCCESS);
        }
        if (!body.isObject()) {
            throw new IllegalArgumentException(field + ": must be a command or a mapping with command");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!RUN_KEYS.contains(key)) {
                throw new IllegalArgumentException(field + "." + key + ": unknown field (known: "
                        + String.join(", ", new java.util.TreeSet<>(RUN_KEYS)) + ")");
            }
        }
        String command = nonBlank(field + ".command", text(body, "command", field + ".command"));
        String name = text(body, "name", field + ".name");
        String shell = text(body, "shell", field + ".shell");
        String workingDirectory = text(body, "working_directory", field + ".working_directory");
        Map<String, String> environment = environment(field + ".environment",
                stringMap(body.get("environment"), field + ".environment"));
        long noOutputTimeout = 0;
        String timeout = text(body, "no_output_timeout", field + ".no_output_timeout");
        if (timeout != null) {
            noOutputTimeout = duration(field + ".no_output_timeout", timeout).toMillis();
        }
        boolean background = false;
        JsonNode backgroundNode = body.get("background");
        if (backgroundNode != null && !backgroundNode.isNull()) {
            if (!backgroundNode.isBoolean()) {
                throw new IllegalArgumentException(field + ".background: must be true or false");
            }
            background = backgroundNode.booleanValue();
        }
        When when = when(field + ".when", text(body, "when", field + ".when"));
        int reruns = 0;
        JsonNode rerunsNode = body.get("max_auto_reruns");
        if (rerunsNode != null && !rerunsNode.isNull()) {
            if (!rerunsNode.canConvertToInt() || !rerunsNode.isIntegralNumber() || rerunsNode.intValue() < 1
                    || rerunsNode.intValue() > MAX_STEP_RERUNS) {
                throw new IllegalArgumentException(field + ".max_auto_reruns: must be an integer from 1 to "
                        + MAX_STEP_RERUNS + ", found " + rerunsNode);
            }
            reruns = rerunsNode.intValue();
        }
        long rerunDelay = 0;
        String delay = text(body, "auto_rerun_delay", field + ".auto_rerun_delay");
        if (delay != null) {
            if (reruns == 0) {
                throw new IllegalArgumentException(field + ".auto_rerun_delay: only with max_auto_reruns");
            }
            Duration parsed = duration(field + ".auto_rerun_delay", delay);
            if (parsed.compareTo(MAX_RERUN_DELAY) > 0) {
                throw new IllegalArgumentException(field + ".auto_rerun_delay: at most 10m, found " + delay);
            }
            rerunDelay = parsed.toMillis();
        }
        return new StepSpec(StepType.RUN, name == null || name.isBlank() ? defaultName(command) : name, command,
                shell, environment, workingDirectory, noOutputTimeout, background, when, reruns, rerunDelay);
    }

    private static When when(String field, String value) {
        if (value == null) {
            return When.ON_SUCCESS;
        }
        switch (value) {
            case "on_success":
                return When.ON_SUCCESS;
            case "on_fail":
                return When.ON_FAIL;
            case "always":
                return When.ALWAYS;
            default:
                throw new IllegalArgumentException(field + ": \"" + value
                        + "\" is not one of on_success, on_fail, always");
        }
    }

    /** CircleCI names an unnamed run step after its command's first line. */
    private static String defaultName(String command) {
        String firstLine = command.strip().lines().findFirst().orElse(command);
        return firstLine.length() > 80 ? firstLine.substring(0, 77) + "..." : firstLine;
    }

    private static Duration duration(String field, String value) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static String nonBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        return value;
    }

    private static Map<String, String> environment(String field, Map<String, String> values) {
        if (values == null) {
            return Map.of();
        }
        Map<String, String> checked = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            Names.environmentName(field + "." + key, key);
            if (value == null) {
                throw new IllegalArgumentException(field + "." + key + ": has no value");
            }
            checked.put(key, value);
        });
        return checked;
    }

    private static String text(JsonNode node, String key, String field) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(field + ": must be a single value, not a list or mapping");
        }
        return value.asText();
    }

    private static Map<String, String> stringMap(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(field + ": must be a mapping of names to values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = fields.next();
            map.put(entry.getKey(), text(node, entry.getKey(), field + "." + entry.getKey()));
        }
        return map;
    }

    private static Checkout checkout(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("checkout: must be a mapping with repository, revision, branch");
        }
        ObjectNode object = (ObjectNode) node;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!Set.of("repository", "revision", "branch").contains(key)) {
                throw new IllegalArgumentException("checkout." + key
                        + ": unknown field (known: branch, repository, revision)");
            }
        }
        return new Checkout(text(object, "repository", "checkout.repository"),
                text(object, "revision", "checkout.revision"), text(object, "branch", "checkout.branch"));
    }
}
