package dev.runway.pipeline.expand;

import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import dev.runway.protocol.GoDuration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps CircleCI provides, checked and written in their processed form: {@code run} always as a mapping with
 * {@code command}, {@code deploy} as {@code run}, {@code checkout} bare when it has no arguments.
 */
final class BuiltInSteps {
    /** Each built-in step with its keys; the first key listed for run is its required one. */
    static final Map<String, List<String>> KEYS = Map.ofEntries(
            Map.entry("run", List.of("command", "name", "shell", "environment", "background", "working_directory",
                    "no_output_timeout", "when", "max_auto_reruns", "auto_rerun_delay")),
            Map.entry("deploy", List.of("command", "name", "shell", "environment", "background", "working_directory",
                    "no_output_timeout", "when", "max_auto_reruns", "auto_rerun_delay")),
            Map.entry("checkout", List.of("path", "name", "method")),
            Map.entry("setup_remote_docker", List.of("version", "docker_layer_caching", "name")),
            Map.entry("save_cache", List.of("paths", "key", "name", "when")),
            Map.entry("restore_cache", List.of("key", "keys", "name")),
            Map.entry("store_artifacts", List.of("path", "destination", "name")),
            Map.entry("store_test_results", List.of("path", "name")),
            Map.entry("persist_to_workspace", List.of("root", "paths", "name")),
            Map.entry("attach_workspace", List.of("at", "name")),
            Map.entry("add_ssh_keys", List.of("fingerprints", "name")));
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "save_cache", List.of("paths", "key"),
            "store_artifacts", List.of("path"),
            "store_test_results", List.of("path"),
            "persist_to_workspace", List.of("root", "paths"),
            "attach_workspace", List.of("at"));
    private static final Set<String> RUN_WHEN = Set.of("always", "on_success", "on_fail");

    private BuiltInSteps() {}

    static boolean isBuiltIn(String name) {
        return KEYS.containsKey(name);
    }

    /** The processed form of built-in step {@code name} with {@code arguments} (null when written bare). */
    static Node processed(String name, Node arguments, Source at, Problems problems) {
        if (name.equals("run") || name.equals("deploy")) {
            return single("run", run(name, arguments, at, problems), at);
        }
        if (arguments == null || arguments instanceof Node.Scalar s && s.isNull()) {
            if (REQUIRED.containsKey(name) || name.equals("restore_cache")) {
                problems.error(at, "the " + name + " step needs " + (name.equals("restore_cache") ? "key: or keys:"
                        : String.join(" and ", REQUIRED.get(name))));
            }
            return new Node.Scalar(name, name, at);
        }
        if (!(arguments instanceof Node.Mapping mapping)) {
            problems.error(arguments.at(), "the " + name + " step takes a mapping of "
                    + String.join(", ", KEYS.get(name)) + ", found " + arguments.describe());
            return new Node.Scalar(name, name, at);
        }
        checkKeys(name, mapping, problems);
        for (String required : REQUIRED.getOrDefault(name, List.of())) {
            if (!mapping.has(required)) {
                problems.error(mapping.at(), "the " + name + " step needs " + required + ":");
            }
        }
        if (name.equals("restore_cache") && !mapping.has("key") && !mapping.has("keys")) {
            problems.error(mapping.at(), "the restore_cache step needs key: or keys:");
        }
        if (name.equals("save_cache") && mapping.get("when") instanceof Node.Scalar when
                && !RUN_WHEN.contains(when.text())) {
            problems.error(when.at(), "when: of save_cache must be always, on_success or on_fail, found '"
                    + when.text() + "'");
        }
        return single(name, mapping, at);
    }

    private static Node run(String name, Node arguments, Source at, Problems problems) {
        if (arguments instanceof Node.Scalar scalar && !scalar.isNull()) {
            Map<String, Node.Entry> entries = new LinkedHashMap<>();
            entries.put("command", new Node.Entry("command", scalar.at(), scalar.isString() ? scalar
                    : new Node.Scalar(scalar.raw(), scalar.raw(), scalar.at())));
            return new Node.Mapping(entries, scalar.at());
        }
        if (!(arguments instanceof Node.Mapping mapping)) {
            problems.error(arguments == null ? at : arguments.at(), "the " + name
                    + " step needs a command: a string, or a mapping with command:");
            return new Node.Mapping(Map.of(), at);
        }
        checkKeys(name, mapping, problems);
        if (!(mapping.get("command") instanceof Node.Scalar command) || command.isNull()) {
            problems.error(mapping.at(), "the " + name + " step needs command: (the shell command to run)");
        } else if (!command.isString()) {
            problems.error(command.at(), "command: must be a string, found " + command.describe());
        }
        Node background = mapping.get("background");
        if (background != null && !(background instanceof Node.Scalar b && b.value() instanceof Boolean)) {
            problems.error(background.at(), "background: must be true or false, found " + background.describe());
        }
        Node when = mapping.get("when");
        if (when != null && !(when instanceof Node.Scalar w && RUN_WHEN.contains(w.text()))) {
            problems.error(when.at(), "when: of a run step must be always, on_success or on_fail, found "
                    + describe(when));
        }
        duration(mapping.get("no_output_timeout"), "no_output_timeout", problems);
        duration(mapping.get("auto_rerun_delay"), "auto_rerun_delay", problems);
        Node reruns = mapping.get("max_auto_reruns");
        if (reruns != null && !(reruns instanceof Node.Scalar r && r.value() instanceof Long n && n >= 1 && n <= 5)) {
            problems.error(reruns.at(), "max_auto_reruns: must be an integer from 1 to 5, found " + describe(reruns));
        }
        Node environment = mapping.get("environment");
        if (environment != null && !(environment instanceof Node.Mapping)) {
            problems.error(environment.at(), "environment: must be a mapping of names to values, found "
                    + environment.describe());
        }
        return mapping;
    }

    private static void duration(Node node, String key, Problems problems) {
        if (node == null) {
            return;
        }
        if (node instanceof Node.Scalar scalar && scalar.isString()) {
            try {
                GoDuration.parse(scalar.text());
                return;
            } catch (RuntimeException e) {
                // reported below
            }
        }
        problems.error(node.at(), key + ": must be a duration like 10m, 1h or 30s, found " + describe(node));
    }

    private static String describe(Node node) {
        return node instanceof Node.Scalar scalar && scalar.isString() ? "'" + scalar.text() + "'" : node.describe();
    }

    private static void checkKeys(String name, Node.Mapping mapping, Problems problems) {
        List<String> keys = KEYS.get(name);
        for (Node.Entry entry : mapping.entries().values()) {
            if (!keys.contains(entry.key())) {
                problems.error(entry.keyAt(), "the " + name + " step has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), keys) + "; its keys are " + String.join(", ", keys));
            }
        }
    }

    static Node.Mapping single(String key, Node value, Source at) {
        Map<String, Node.Entry> entries = new LinkedHashMap<>();
        entries.put(key, new Node.Entry(key, at, value));
        return new Node.Mapping(entries, at);
    }
}
