package dev.runway.pipeline.expand;

import dev.runway.pipeline.logic.Logic;
import dev.runway.pipeline.orbs.Definition;
import dev.runway.pipeline.orbs.Scope;
import dev.runway.pipeline.parameters.Declaration;
import dev.runway.pipeline.parameters.Parameters;
import dev.runway.pipeline.parameters.Templates;
import dev.runway.pipeline.yaml.Budget;
import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Expands a job invocation into its processed form: arguments bound to the job's parameters and substituted, the
 * executor resolved (its own parameters too) and merged under the job's keys, and the steps expanded — commands
 * inlined with their arguments, {@code when}/{@code unless} steps decided, built-in steps checked. Names resolve in
 * the scope of the definition that writes them, so an orb's job uses the orb's commands.
 */
public final class Expander {
    /** Keys of a job definition. */
    public static final List<String> JOB_KEYS = List.of("description", "parameters", "executor", "docker", "machine",
            "macos", "resource_class", "working_directory", "shell", "environment", "parallelism", "steps",
            "circleci_ip_ranges", "type", "retention", "branches");
    /** Keys of an executor definition. */
    public static final List<String> EXECUTOR_KEYS = List.of("description", "parameters", "docker", "machine",
            "macos", "resource_class", "working_directory", "shell", "environment");
    private static final List<String> EXECUTOR_TYPES = List.of("docker", "machine", "macos");
    private static final List<String> COMMAND_KEYS = List.of("description", "parameters", "steps");
    /** Job types that run no executor. */
    private static final Set<String> NO_EXECUTOR = Set.of("approval", "no-op");
    private static final List<String> JOB_TYPES = List.of("build", "release", "no-op", "approval");

    private final Problems problems;
    private final Budget budget;
    private final Logic logic;
    private final Scope root;
    private final boolean reusable;
    private final Map<Definition, Map<String, Declaration>> declared = new IdentityHashMap<>();
    private boolean commandDepthReported;

    /**
     * {@code reusable} is false for version 2.0 configs, where parameters, commands and executors do not exist and
     * {@code << >>} is plain text.
     */
    public Expander(Problems problems, Budget budget, Logic logic, Scope root, boolean reusable) {
        this.problems = problems;
        this.budget = budget;
        this.logic = logic;
        this.root = root;
        this.reusable = reusable;
    }

    /** A workflow's job invocation, as {@link #job} takes it. */
    public record Invocation(String reference, Collection<Node.Entry> arguments, Source at, Node preSteps,
            Node postSteps) {}

    /** The processed job, or null when the definition is missing (reported). */
    public Node.Mapping job(Invocation invocation) {
        Definition definition = root.find(Scope.Kind.JOB, invocation.reference());
        if (definition == null) {
            root.unknown(Scope.Kind.JOB, invocation.reference(), invocation.at(), problems);
            return null;
        }
        String owner = "job " + invocation.reference();
        Node.Mapping body = definition.body();
        for (Node.Entry entry : body.entries().values()) {
            if (!JOB_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), owner + " has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), JOB_KEYS));
            }
        }
        Map<String, Node> values = bind(definition,
                stepsArgumentsExpanded(definition, owner, invocation.arguments(), root, 0), invocation.at(), owner);
        Node.Mapping job = reusable ? (Node.Mapping) substitute(withoutKeys(body, "parameters", "description"),
                values, declarations(definition, owner), owner) : body;
        Node.Mapping merged = withExecutor(job, definition.scope(), owner);
        Node type = merged.get("type");
        String jobType = type instanceof Node.Scalar t && t.isString() ? t.text() : "build";
        if (type != null && !JOB_TYPES.contains(jobType)) {
            problems.error(type.at(), owner + ": type must be one of " + String.join(", ", JOB_TYPES) + ", found "
                    + (type instanceof Node.Scalar t ? "'" + t.text() + "'" : type.describe()));
        }
        long executorTypes = EXECUTOR_TYPES.stream().filter(merged::has).count();
        if (executorTypes == 0 && !NO_EXECUTOR.contains(jobType)) {
            problems.error(body.at(), owner + " has no executor: give it docker:, machine:, macos: or executor:");
        }
        List<Node> steps = new ArrayList<>();
        if (invocation.preSteps() != null) {
            steps.addAll(steps(invocation.preSteps(), root, 0));
        }
        Node ownSteps = merged.get("steps");
        if (ownSteps != null) {
            steps.addAll(steps(ownSteps, definition.scope(), 0));
        }
        if (invocation.postSteps() != null) {
            steps.addAll(steps(invocation.postSteps(), root, 0));
        }
        Map<String, Node.Entry> out = new LinkedHashMap<>();
        for (Node.Entry entry : merged.entries().values()) {
            if (!entry.key().equals("executor") && !entry.key().equals("steps")) {
                out.put(entry.key(), entry);
            }
        }
        Source stepsAt = ownSteps == null ? body.at() : ownSteps.at();
        out.put("steps", new Node.Entry("steps", stepsAt, new Node.Seq(steps, stepsAt)));
        return new Node.Mapping(out, body.at());
    }

    /** Steps expanded in {@code scope} (commands inlined, conditions decided), in processed form. */
    public List<Node> steps(Node steps, Scope scope, int depth) {
        List<Node> out = new ArrayList<>();
        if (steps instanceof Node.Scalar scalar && scalar.isNull()) {
            return out;
        }
        if (!(steps instanceof Node.Seq seq)) {
            problems.error(steps.at(), "steps must be a list, found " + steps.describe());
            return out;
        }
        for (Node step : seq.items()) {
            budget.spend(step.at());
            step(step, scope, depth, out);
        }
        return out;
    }

    private void step(Node step, Scope scope, int depth, List<Node> out) {
        if (step instanceof Node.Seq) {
            out.addAll(steps(step, scope, depth)); // a steps parameter used as one item
            return;
        }
        String name;
        Node arguments;
        Source at = step.at();
        if (step instanceof Node.Scalar scalar && scalar.isString()) {
            name = scalar.text();
            arguments = null;
        } else if (step instanceof Node.Mapping mapping && mapping.entries().size() == 1) {
            Node.Entry entry = mapping.entries().values().iterator().next();
            name = entry.key();
            arguments = entry.value();
            at = entry.keyAt();
        } else {
            problems.error(at, "a step is a name (checkout) or a mapping of one name to its arguments (run: ...),"
                    + " found " + (step instanceof Node.Mapping m ? "a mapping of " + m.entries().size() + " keys"
                    : step.describe()));
            return;
        }
        if (reusable && (name.equals("when") || name.equals("unless"))) {
            conditional(name, arguments, at, scope, depth, out);
            return;
        }
        if (reusable && name.equals("steps")) {
            if (arguments != null) {
                out.addAll(steps(arguments, scope, depth));
            }
            return;
        }
        Definition command = reusable ? scope.find(Scope.Kind.COMMAND, name) : null;
        if (command != null) {
            command(command, name, arguments, at, scope, depth, out);
        } else if (BuiltInSteps.isBuiltIn(name)) {
            out.add(BuiltInSteps.processed(name, arguments, at, problems));
        } else {
            Set<String> known = new TreeSet<>(BuiltInSteps.KEYS.keySet());
            known.addAll(scope.names(Scope.Kind.COMMAND));
            problems.error(at, "there is no step or command named '" + name + "'" + Problems.hint(name, known));
        }
    }

    private void conditional(String kind, Node arguments, Source at, Scope scope, int depth, List<Node> out) {
        if (!(arguments instanceof Node.Mapping mapping) || !mapping.has("condition") || !mapping.has("steps")) {
            problems.error(arguments == null ? at : arguments.at(), "a " + kind
                    + " step needs condition: (a logic statement) and steps:");
            return;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            if (!entry.key().equals("condition") && !entry.key().equals("steps")) {
                problems.error(entry.keyAt(), "a " + kind + " step has condition: and steps:, not '" + entry.key()
                        + "'");
            }
        }
        boolean condition = logic.evaluate(mapping.get("condition"));
        if (condition == kind.equals("when")) {
            out.addAll(steps(mapping.get("steps"), scope, depth));
        }
    }

    private void command(Definition command, String reference, Node arguments, Source at, Scope caller, int depth,
            List<Node> out) {
        if (depth >= Limits.MAX_COMMAND_DEPTH) {
            if (!commandDepthReported) { // reported once: a command invoking itself reaches the cap many times
                commandDepthReported = true;
                problems.error(at, "command " + reference + " is invoked through more than "
                        + Limits.MAX_COMMAND_DEPTH + " nested commands (the cap on command nesting); does a command"
                        + " invoke itself?");
            }
            return;
        }
        String owner = "command " + reference;
        for (Node.Entry entry : command.body().entries().values()) {
            if (!COMMAND_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), owner + " has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), COMMAND_KEYS) + "; a command has steps, parameters and"
                        + " description");
            }
        }
        Collection<Node.Entry> given = List.of();
        if (arguments instanceof Node.Mapping mapping) {
            given = stepsArgumentsExpanded(command, owner, mapping.entries().values(), caller, depth);
        } else if (arguments != null && !(arguments instanceof Node.Scalar s && s.isNull())) {
            problems.error(arguments.at(), owner + " takes a mapping of arguments, found " + arguments.describe());
            return;
        }
        Map<String, Node> values = bind(command, given, at, owner);
        Node steps = command.body().get("steps");
        if (steps == null) {
            problems.error(command.body().at(), owner + " has no steps:");
            return;
        }
        Node substituted = substitute(steps, values, declarations(command, owner), owner);
        out.addAll(steps(substituted, command.scope(), depth + 1));
    }

    /** Arguments with each steps-typed one expanded where it is written, so its names resolve in the caller. */
    private Collection<Node.Entry> stepsArgumentsExpanded(Definition definition, String owner,
            Collection<Node.Entry> arguments, Scope caller, int depth) {
        if (!reusable) {
            return arguments;
        }
        Map<String, Declaration> declarations = declarations(definition, owner);
        List<Node.Entry> entries = new ArrayList<>();
        for (Node.Entry entry : arguments) {
            Declaration declaration = declarations.get(entry.key());
            if (declaration != null && declaration.type().equals("steps") && entry.value() instanceof Node.Seq seq) {
                entries.add(new Node.Entry(entry.key(), entry.keyAt(),
                        new Node.Seq(steps(seq, caller, depth + 1), seq.at())));
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** The job with its executor's keys under its own (environment merged, the job's values winning). */
    private Node.Mapping withExecutor(Node.Mapping job, Scope scope, String owner) {
        Node invocation = job.get("executor");
        if (invocation == null) {
            return job;
        }
        if (!reusable) {
            problems.error(job.entries().get("executor").keyAt(), owner + ": executor: needs version: 2.1");
            return job;
        }
        Node.Mapping executor = executor(invocation, scope, owner);
        if (executor == null) {
            return job;
        }
        boolean jobHasType = EXECUTOR_TYPES.stream().anyMatch(job::has);
        Map<String, Node.Entry> out = new LinkedHashMap<>();
        for (Node.Entry entry : executor.entries().values()) {
            if (EXECUTOR_TYPES.contains(entry.key()) && jobHasType || entry.key().equals("parameters")
                    || entry.key().equals("description")) {
                continue;
            }
            out.put(entry.key(), entry);
        }
        for (Node.Entry entry : job.entries().values()) {
            if (entry.key().equals("environment") && out.get("environment") != null
                    && out.get("environment").value() instanceof Node.Mapping base
                    && entry.value() instanceof Node.Mapping own) {
                Map<String, Node.Entry> environment = new LinkedHashMap<>(base.entries());
                environment.putAll(own.entries());
                out.put("environment", new Node.Entry("environment", entry.keyAt(),
                        new Node.Mapping(environment, own.at())));
            } else {
                out.put(entry.key(), entry);
            }
        }
        return new Node.Mapping(out, job.at());
    }

    /**
     * The executor an {@code executor:} value names, with its parameters substituted: a name, a mapping with
     * {@code name:} and arguments, or an executor already resolved (an executor parameter's value).
     */
    public Node.Mapping executor(Node invocation, Scope scope, String owner) {
        String name;
        Collection<Node.Entry> arguments = List.of();
        if (invocation instanceof Node.Scalar scalar && scalar.isString()) {
            name = scalar.text();
        } else if (invocation instanceof Node.Mapping mapping && mapping.get("name") instanceof Node.Scalar n
                && n.isString()) {
            name = n.text();
            List<Node.Entry> rest = new ArrayList<>(mapping.entries().values());
            rest.removeIf(entry -> entry.key().equals("name"));
            arguments = rest;
        } else if (invocation instanceof Node.Mapping mapping && EXECUTOR_TYPES.stream().anyMatch(mapping::has)) {
            return mapping;
        } else {
            problems.error(invocation.at(), owner + ": executor: is an executor's name or a mapping with name: and"
                    + " its arguments, found " + invocation.describe());
            return null;
        }
        Definition definition = scope.find(Scope.Kind.EXECUTOR, name);
        if (definition == null && scope != root) {
            definition = root.find(Scope.Kind.EXECUTOR, name);
        }
        if (definition == null) {
            scope.unknown(Scope.Kind.EXECUTOR, name, invocation.at(), problems);
            return null;
        }
        String executorOwner = "executor " + name;
        for (Node.Entry entry : definition.body().entries().values()) {
            if (!EXECUTOR_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), executorOwner + " has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), EXECUTOR_KEYS));
            }
        }
        if (EXECUTOR_TYPES.stream().filter(definition.body()::has).count() > 1) {
            problems.error(definition.body().at(), executorOwner + " gives more than one of docker:, machine:,"
                    + " macos:; keep one");
        }
        Map<String, Node> values = bind(definition, arguments, invocation.at(), executorOwner);
        return (Node.Mapping) substitute(withoutKeys(definition.body(), "parameters", "description"), values,
                declarations(definition, executorOwner), executorOwner);
    }

    private Map<String, Declaration> declarations(Definition definition, String owner) {
        return declared.computeIfAbsent(definition, d -> Parameters.declarations(d.body().get("parameters"), owner,
                Declaration.TYPES, problems));
    }

    /** Arguments bound to the definition's parameters; executor-typed values resolved to their executor. */
    private Map<String, Node> bind(Definition definition, Collection<Node.Entry> arguments, Source at, String owner) {
        if (!reusable) {
            return Map.of();
        }
        Map<String, Declaration> declarations = declarations(definition, owner);
        Map<String, Node> values = Parameters.bind(declarations, arguments, at, owner, problems);
        for (Map.Entry<String, Node> value : values.entrySet()) {
            Declaration declaration = declarations.get(value.getKey());
            if (declaration.type().equals("executor")) {
                Node.Mapping executor = executor(value.getValue(), definition.scope(), owner);
                value.setValue(executor == null ? new Node.Mapping(Map.of(), value.getValue().at()) : executor);
            }
        }
        return values;
    }

    private Node substitute(Node node, Map<String, Node> values, Map<String, Declaration> declarations,
            String owner) {
        Templates.Resolver resolver = new Templates.Resolver() {
            @Override
            public boolean handles(String reference) {
                return reference.startsWith("parameters.");
            }

            @Override
            public Node resolve(String reference, Source at) {
                String name = reference.substring("parameters.".length());
                Node value = values.get(name);
                if (value == null && !declarations.containsKey(name)) {
                    problems.error(at, owner + " uses << " + reference + " >> but declares no parameter '" + name
                            + "'" + Problems.hint(name, declarations.keySet()));
                }
                return value;
            }
        };
        return new Templates(resolver, problems, budget).substitute(node);
    }

    private static Node.Mapping withoutKeys(Node.Mapping mapping, String... keys) {
        Map<String, Node.Entry> entries = new LinkedHashMap<>(mapping.entries());
        for (String key : keys) {
            entries.remove(key);
        }
        return new Node.Mapping(entries, mapping.at());
    }
}
