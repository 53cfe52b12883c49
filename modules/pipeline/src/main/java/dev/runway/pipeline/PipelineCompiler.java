package dev.runway.pipeline;

import dev.runway.pipeline.expand.Expander;
import dev.runway.pipeline.logic.Logic;
import dev.runway.pipeline.orbs.OrbFiles;
import dev.runway.pipeline.orbs.Orbs;
import dev.runway.pipeline.orbs.Scope;
import dev.runway.pipeline.parameters.Declaration;
import dev.runway.pipeline.parameters.Parameters;
import dev.runway.pipeline.parameters.Templates;
import dev.runway.pipeline.workflows.Plan;
import dev.runway.pipeline.workflows.Workflows;
import dev.runway.pipeline.yaml.Budget;
import dev.runway.pipeline.yaml.LimitExceeded;
import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import dev.runway.pipeline.yaml.YamlLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@code .circleci/config.yml} offline, the way CircleCI does on its servers: pipeline values and
 * parameters substituted, orbs resolved from local sources, jobs expanded (parameters, executors, commands,
 * conditional steps) and workflows resolved to final job names and requires edges.
 */
public final class PipelineCompiler {
    /** The top-level keys of a config. */
    public static final List<String> TOP_LEVEL_KEYS = List.of("version", "setup", "orbs", "commands", "parameters",
            "executors", "jobs", "workflows");
    private static final List<String> REUSABLE_KEYS = List.of("orbs", "commands", "parameters", "executors");

    private PipelineCompiler() {}

    /** Compiles {@code config} (read from {@code file}, the name used in problems). Never throws for bad input. */
    public static Compilation compile(String file, byte[] config, PipelineValues values, OrbSource orbs) {
        Problems problems = new Problems();
        CompiledPipeline pipeline = null;
        try {
            pipeline = new Run(file, values, orbs, problems).compile(config);
        } catch (LimitExceeded e) {
            problems.error(e.at(), e.getMessage());
        } catch (StackOverflowError e) {
            problems.error(new Source(file, 0, 0), "nests too deeply to compile");
        }
        List<Problem> list = new ArrayList<>();
        for (Problems.Problem problem : problems.list()) {
            Source at = problem.at();
            list.add(new Problem(at.file(), at.line(), at.column(), problem.message()));
        }
        list.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line)
                .thenComparingInt(Problem::column));
        return new Compilation(list.isEmpty() ? pipeline : null, list);
    }

    /** True when a YAML document looks like a pipeline config (version with jobs or workflows). */
    public static boolean looksLikePipelineConfig(Map<?, ?> document) {
        return document.containsKey("version") && (document.containsKey("jobs") || document.containsKey("workflows")
                || document.containsKey("orbs"));
    }

    /** One compilation's state. */
    private static final class Run {
        private final String file;
        private final PipelineValues values;
        private final OrbSource orbSource;
        private final Problems problems;
        private final Budget budget = new Budget(Limits.MAX_EXPANDED_NODES, "the expanded config");
        private final Map<String, Node> parameters = new LinkedHashMap<>();

        Run(String file, PipelineValues values, OrbSource orbSource, Problems problems) {
            this.file = file;
            this.values = values;
            this.orbSource = orbSource;
            this.problems = problems;
        }

        CompiledPipeline compile(byte[] bytes) {
            YamlLoader.Document read = YamlLoader.read(file, bytes, problems);
            Node document = read.root();
            if (document == null) {
                return null;
            }
            if (!(document instanceof Node.Mapping config)) {
                problems.error(document.at(), "a config is a mapping (version:, jobs:, workflows:), found "
                        + document.describe());
                return null;
            }
            for (Node.Entry entry : config.entries().values()) {
                if (!TOP_LEVEL_KEYS.contains(entry.key()) && !holdsAnchor(entry.value(), read.anchors())) {
                    problems.error(entry.keyAt(), "unknown top-level key '" + entry.key() + "'"
                            + Problems.hint(entry.key(), TOP_LEVEL_KEYS) + "; the keys are "
                            + String.join(", ", TOP_LEVEL_KEYS));
                }
            }
            boolean reusable = version(config);
            if (!reusable) {
                for (String key : REUSABLE_KEYS) {
                    if (config.has(key)) {
                        problems.error(config.entries().get(key).keyAt(), key + ": needs version: 2.1");
                    }
                }
            } else {
                bindPipelineParameters(config);
                config = (Node.Mapping) pipelineTemplates().substitute(config);
            }
            Scope root = Scope.root();
            if (reusable) {
                new Orbs(orbFiles(), problems, node -> pipelineTemplates().substitute(node)).define(root, config, 0);
            } else {
                defineJobsOnly(root, config);
            }
            Logic logic = new Logic(problems, this::variable);
            Expander expander = new Expander(problems, budget, logic, root, reusable);
            Workflows workflows = new Workflows(problems, budget, expander, logic, this::variable, values.branch(),
                    values.tag());
            Node workflowsNode = config.get("workflows");
            Plan plan;
            if (workflowsNode instanceof Node.Mapping mapping) {
                plan = workflows.compile(mapping);
            } else if (workflowsNode != null) {
                problems.error(workflowsNode.at(), "workflows must be a mapping of workflow names to workflows,"
                        + " found " + workflowsNode.describe());
                return null;
            } else if (root.own(Scope.Kind.JOB).containsKey("build")) {
                plan = workflows.single("build", config.at());
            } else {
                problems.error(config.at(), "the config has no workflows: and no job named build to run");
                return null;
            }
            boolean setup = config.get("setup") instanceof Node.Scalar s && Boolean.TRUE.equals(s.value());
            if (config.has("setup") && !(config.get("setup") instanceof Node.Scalar s && s.value() instanceof Boolean)) {
                problems.error(config.get("setup").at(), "setup: must be true or false");
            }
            return Models.pipeline(setup, plan);
        }

        /**
         * True when the value defines a YAML anchor: configs keep anchored values under keys of their own
         * (references:, defaults:), which CircleCI accepts; such a key is not a misspelt one.
         */
        private static boolean holdsAnchor(Node node, java.util.Set<Source> anchors) {
            if (anchors.contains(node.at())) {
                return true;
            }
            if (node instanceof Node.Seq seq) {
                return seq.items().stream().anyMatch(item -> holdsAnchor(item, anchors));
            }
            return node instanceof Node.Mapping mapping
                    && mapping.entries().values().stream().anyMatch(e -> holdsAnchor(e.value(), anchors));
        }

        /** True for 2.1 (reusable config); 2 and 2.0 are compiled as written. */
        private boolean version(Node.Mapping config) {
            Node version = config.get("version");
            if (!(version instanceof Node.Scalar scalar) || scalar.isNull()) {
                problems.error(version == null ? config.at() : version.at(), "the config needs version: 2.1");
                return true;
            }
            switch (scalar.raw()) {
                case "2.1" -> {
                    return true;
                }
                case "2", "2.0" -> {
                    return false;
                }
                default -> {
                    problems.error(scalar.at(), "version must be 2.1 (or 2 / 2.0), found '" + scalar.raw() + "'");
                    return true;
                }
            }
        }

        private void defineJobsOnly(Scope root, Node.Mapping config) {
            Node.Mapping jobsOnly = new Node.Mapping(config.get("jobs") == null ? Map.of()
                    : Map.of("jobs", config.entries().get("jobs")), config.at());
            new Orbs(orbFiles(), problems, node -> node).define(root, jobsOnly, 0);
        }

        private void bindPipelineParameters(Node.Mapping config) {
            Map<String, Declaration> declarations = Parameters.declarations(config.get("parameters"),
                    "pipeline parameters", Declaration.PIPELINE_TYPES, problems);
            Source declaredAt = config.entries().containsKey("parameters")
                    ? config.entries().get("parameters").keyAt() : new Source(file, 1, 1);
            List<Node.Entry> given = new ArrayList<>();
            for (Map.Entry<String, Object> parameter : values.parameters().entrySet()) {
                Declaration declaration = declarations.get(parameter.getKey());
                Source at = declaration == null ? declaredAt : declaration.at();
                given.add(new Node.Entry(parameter.getKey(), at, given(parameter.getValue(), declaration, at)));
            }
            parameters.putAll(Parameters.bind(declarations, given, declaredAt, "the pipeline", problems));
        }

        /** A parameter value from the trigger as a node; text from a command line becomes the declared type. */
        private static Node given(Object value, Declaration declaration, Source at) {
            if (value instanceof String text && declaration != null) {
                switch (declaration.type()) {
                    case "boolean" -> {
                        Boolean b = YamlLoader.booleanOf(text);
                        return new Node.Scalar(b == null ? text : b, text, at);
                    }
                    case "integer" -> {
                        try {
                            return new Node.Scalar(Long.parseLong(text.trim()), text, at);
                        } catch (NumberFormatException e) {
                            return new Node.Scalar(text, text, at);
                        }
                    }
                    default -> {
                        return new Node.Scalar(text, text, at);
                    }
                }
            }
            return Node.Scalar.of(value, at);
        }

        private Templates pipelineTemplates() {
            Templates.Resolver resolver = new Templates.Resolver() {
                @Override
                public boolean handles(String reference) {
                    return reference.startsWith("pipeline.");
                }

                @Override
                public Node resolve(String reference, Source at) {
                    try {
                        Object value = variable(reference);
                        return value instanceof Node node ? node : Node.Scalar.of(value, new Source("<pipeline>", 0, 0));
                    } catch (IllegalArgumentException e) {
                        problems.error(at, e.getMessage());
                        return null;
                    }
                }
            };
            return new Templates(resolver, problems, budget);
        }

        /** The value of an expression variable or {@code pipeline.*} reference; unknown names throw. */
        private Object variable(String name) {
            if (name.startsWith("pipeline.parameters.")) {
                String parameter = name.substring("pipeline.parameters.".length());
                Node value = parameters.get(parameter);
                if (value == null) {
                    throw new IllegalArgumentException("<< " + name + " >> names no pipeline parameter; declare '"
                            + parameter + "' under the top-level parameters:"
                            + Problems.hint(parameter, parameters.keySet()));
                }
                return value instanceof Node.Scalar scalar ? scalar.value() : value.toPlain();
            }
            if (name.startsWith("pipeline.")) {
                Object value = values.value(name.substring("pipeline.".length()));
                if (value == null) {
                    throw new IllegalArgumentException("'" + name + "' is not a pipeline value"
                            + Problems.hint(name.substring("pipeline.".length()), PipelineValues.KNOWN));
                }
                return value;
            }
            throw new IllegalArgumentException("'" + name + "' is not a pipeline value or parameter");
        }

        private OrbFiles orbFiles() {
            return new OrbFiles() {
                @Override
                public Found find(String namespace, String name, String version) {
                    OrbSource.Orb orb = orbSource.find(namespace, name, version);
                    return orb == null ? null : new Found(orb.file(), orb.bytes());
                }

                @Override
                public String whereToPut(String namespace, String name, String version) {
                    return orbSource.whereToPut(namespace, name, version);
                }
            };
        }
    }
}
