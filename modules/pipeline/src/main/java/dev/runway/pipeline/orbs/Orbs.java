package dev.runway.pipeline.orbs;

import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.YamlLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a {@link Scope} from a config or orb document: its commands, jobs and executors, and its {@code orbs:},
 * inline (a mapping) or from the registry ({@code namespace/orb@version}, read through {@link OrbFiles}).
 */
public final class Orbs {
    private static final Pattern REFERENCE = Pattern.compile("([a-z0-9][a-z0-9_-]*)/([a-z0-9][a-z0-9_-]*)@(\\S+)");
    /** The keys an orb document may have. */
    public static final List<String> ORB_KEYS =
            List.of("version", "description", "display", "orbs", "commands", "jobs", "executors", "examples");

    private final OrbFiles files;
    private final Problems problems;
    private final UnaryOperator<Node> pipelineValues;
    private final Map<String, Scope> loaded = new HashMap<>();

    /** {@code pipelineValues} substitutes {@code << pipeline.* >>} in an orb's source once it is read. */
    public Orbs(OrbFiles files, Problems problems, UnaryOperator<Node> pipelineValues) {
        this.files = files;
        this.problems = problems;
        this.pipelineValues = pipelineValues;
    }

    /** Adds the definitions and orbs of {@code document} (a config or an orb) to {@code scope}. */
    public void define(Scope scope, Node.Mapping document, int depth) {
        for (Scope.Kind kind : Scope.Kind.values()) {
            Node section = document.get(kind.key);
            if (section == null || section instanceof Node.Scalar s && s.isNull()) {
                continue;
            }
            if (!(section instanceof Node.Mapping mapping)) {
                problems.error(section.at(), kind.key + " must be a mapping of names to " + kind.noun
                        + " definitions, found " + section.describe());
                continue;
            }
            for (Node.Entry entry : mapping.entries().values()) {
                if (entry.value() instanceof Node.Mapping body) {
                    scope.add(kind, entry.key(), body);
                } else if (entry.value() instanceof Node.Scalar s && s.isNull() && kind == Scope.Kind.JOB) {
                    scope.add(kind, entry.key(), new Node.Mapping(Map.of(), entry.keyAt()));
                } else {
                    problems.error(entry.value().at(), kind.noun + " " + entry.key() + " must be a mapping, found "
                            + entry.value().describe());
                }
            }
        }
        Node imports = document.get("orbs");
        if (imports == null || imports instanceof Node.Scalar s && s.isNull()) {
            return;
        }
        if (!(imports instanceof Node.Mapping mapping)) {
            problems.error(imports.at(), "orbs must be a mapping of names to orb references (namespace/orb@version)"
                    + " or inline orbs, found " + imports.describe());
            return;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            Scope orb = entry.value() instanceof Node.Mapping inline ? inline(scope, entry.key(), inline, depth)
                    : registry(entry.value(), depth);
            if (orb != null) {
                scope.addOrb(entry.key(), orb);
            }
        }
    }

    private Scope inline(Scope enclosing, String alias, Node.Mapping body, int depth) {
        if (depth >= Limits.MAX_ORB_DEPTH) {
            problems.error(body.at(), "orbs import orbs more than " + Limits.MAX_ORB_DEPTH
                    + " levels deep (the cap on orb nesting)");
            return null;
        }
        checkKeys(body);
        Scope scope = new Scope(alias + "/", enclosing);
        define(scope, body, depth + 1);
        return scope;
    }

    private Scope registry(Node reference, int depth) {
        if (!(reference instanceof Node.Scalar scalar) || !scalar.isString()) {
            problems.error(reference.at(), "an orb is a reference (namespace/orb@version) or an inline orb"
                    + " (a mapping), found " + reference.describe());
            return null;
        }
        Matcher matcher = REFERENCE.matcher(scalar.text());
        if (!matcher.matches()) {
            problems.error(reference.at(), "'" + scalar.text() + "' is not an orb reference; write"
                    + " namespace/orb@version, like circleci/node@5.1.0");
            return null;
        }
        String key = scalar.text();
        if (loaded.containsKey(key)) {
            return loaded.get(key);
        }
        if (depth >= Limits.MAX_ORB_DEPTH) {
            problems.error(reference.at(), "orbs import orbs more than " + Limits.MAX_ORB_DEPTH
                    + " levels deep (the cap on orb nesting)");
            return null;
        }
        loaded.put(key, null); // an orb that imports itself ends here
        String namespace = matcher.group(1);
        String name = matcher.group(2);
        String version = matcher.group(3);
        OrbFiles.Found found = files.find(namespace, name, version);
        if (found == null) {
            problems.error(reference.at(), "the orb " + namespace + "/" + name + "@" + version
                    + " is not available offline; put its source at " + files.whereToPut(namespace, name, version));
            return null;
        }
        Node document = YamlLoader.load(found.file(), found.bytes(), problems);
        if (document == null) {
            return null;
        }
        if (!(document instanceof Node.Mapping body)) {
            problems.error(document.at(), "an orb source must be a mapping (commands:, jobs:, executors:), found "
                    + document.describe());
            return null;
        }
        body = (Node.Mapping) pipelineValues.apply(body);
        checkKeys(body);
        Scope scope = new Scope(name + "/", null);
        define(scope, body, depth + 1);
        loaded.put(key, scope);
        return scope;
    }

    private void checkKeys(Node.Mapping orb) {
        for (Node.Entry entry : orb.entries().values()) {
            if (!ORB_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), "an orb has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), ORB_KEYS) + "; its keys are " + String.join(", ", ORB_KEYS));
            }
        }
    }
}
