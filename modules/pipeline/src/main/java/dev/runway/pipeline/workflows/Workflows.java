package dev.runway.pipeline.workflows;

import dev.runway.pipeline.expand.Expander;
import dev.runway.pipeline.logic.Logic;
import dev.runway.pipeline.parameters.Templates;
import dev.runway.pipeline.yaml.Budget;
import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import dev.runway.pipeline.yaml.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compiles {@code workflows:}: each job invocation expanded (through {@link Expander}) under its final name,
 * matrices multiplied out with CircleCI's generated names ({@code job-value1-value2}, parameters in name order),
 * requires edges resolved to final names (a matrix alias to every job it generated) and checked for cycles.
 */
public final class Workflows {
    private static final List<String> WORKFLOW_KEYS = List.of("jobs", "triggers", "when", "unless",
            "max_auto_reruns");
    /** Keys of a workflow job that are not arguments of the job. */
    private static final List<String> INVOCATION_KEYS = List.of("requires", "name", "context", "filters", "matrix",
            "type", "pre-steps", "post-steps", "serial-group", "override-with");
    private static final List<String> MATRIX_KEYS = List.of("parameters", "exclude", "alias");
    private static final List<String> STATUSES = List.of("success", "failed", "canceled", "not_run", "terminal");

    private final Problems problems;
    private final Budget budget;
    private final Expander expander;
    private final Logic logic;
    private final Filters filters;
    private final String branch;
    private final String tag;
    private final Map<String, Node.Mapping> jobs = new LinkedHashMap<>();
    private int jobCount;

    /** {@code values} resolves expression variables; {@code branch} / {@code tag} are the pipeline's. */
    public Workflows(Problems problems, Budget budget, Expander expander, Logic logic,
            Function<String, Object> values, String branch, String tag) {
        this.problems = problems;
        this.budget = budget;
        this.expander = expander;
        this.logic = logic;
        this.filters = new Filters(problems, values);
        this.branch = branch;
        this.tag = tag;
    }

    /** Compiles the workflows mapping (with its optional {@code version:} key). */
    public Plan compile(Node.Mapping workflows) {
        List<Plan.Workflow> compiled = new ArrayList<>();
        for (Node.Entry entry : workflows.entries().values()) {
            if (entry.key().equals("version")) {
                continue;
            }
            if (!(entry.value() instanceof Node.Mapping workflow)) {
                problems.error(entry.value().at(), "workflow " + entry.key() + " must be a mapping with jobs:,"
                        + " found " + entry.value().describe());
                continue;
            }
            Plan.Workflow done = workflow(entry.key(), workflow);
            if (done != null) {
                compiled.add(done);
            }
        }
        return new Plan(jobs, compiled);
    }

    /** A plan of one workflow running one job, for configs without workflows (CircleCI runs their build job). */
    public Plan single(String job, Source at) {
        List<Plan.Job> list = new ArrayList<>();
        Node.Mapping processed = expander.job(new Expander.Invocation(job, List.of(), at, null, null));
        if (processed != null) {
            jobs.put(job, processed);
            list.add(new Plan.Job(job, job, job, false, List.of(), List.of(), null, filters.admits(null, branch, tag),
                    null, Map.of(), at));
        }
        return new Plan(jobs, List.of(new Plan.Workflow("workflow", list, List.of(), at, 0)));
    }

    private Plan.Workflow workflow(String name, Node.Mapping workflow) {
        for (Node.Entry entry : workflow.entries().values()) {
            if (!WORKFLOW_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), "workflow " + name + " has no key '" + entry.key() + "'"
                        + Problems.hint(entry.key(), WORKFLOW_KEYS) + "; its keys are "
                        + String.join(", ", WORKFLOW_KEYS));
            }
        }
        boolean runs = true;
        if (workflow.has("when")) {
            runs = logic.evaluate(workflow.get("when"));
        }
        if (workflow.has("unless")) {
            runs &= !logic.evaluate(workflow.get("unless"));
        }
        List<Node> triggers = triggers(workflow.get("triggers"));
        Node jobList = workflow.get("jobs");
        if (!(jobList instanceof Node.Seq seq)) {
            problems.error(jobList == null ? workflow.at() : jobList.at(), "workflow " + name
                    + " needs jobs:, a list of the jobs it runs");
            return null;
        }
        if (!runs) {
            return null; // not compiled: CircleCI leaves a workflow whose condition is false out of the pipeline
        }
        List<Candidate> candidates = new ArrayList<>();
        Map<String, List<String>> aliases = new HashMap<>();
        for (Node item : seq.items()) {
            invocation(name, item, candidates, aliases);
        }
        nameDuplicates(name, candidates);
        Set<String> names = new HashSet<>();
        for (Candidate candidate : candidates) {
            names.add(candidate.name);
        }
        List<Plan.Job> planned = new ArrayList<>();
        for (Candidate candidate : candidates) {
            List<Plan.Requirement> requires = requirements(name, candidate, names, aliases);
            String key = null;
            if (!candidate.approval) {
                Node.Mapping processed = expander.job(new Expander.Invocation(candidate.reference,
                        candidate.arguments, candidate.at, candidate.preSteps, candidate.postSteps));
                if (processed == null) {
                    continue;
                }
                key = jobKey(candidate.name, processed);
            }
            planned.add(new Plan.Job(candidate.name, key, candidate.reference, candidate.approval, requires,
                    contexts(candidate.context), candidate.filters, filters.admits(candidate.filters, branch, tag),
                    candidate.serialGroup, candidate.matrix, candidate.at));
        }
        checkCycles(name, planned);
        return new Plan.Workflow(name, planned, triggers, workflow.at(), maxAutoReruns(workflow.get("max_auto_reruns")));
    }

    /** A failed workflow is rerun from failed at most this many times (CircleCI takes 1 to 5); 0 when not given. */
    private int maxAutoReruns(Node value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Node.Scalar scalar && scalar.value() instanceof Long n && n >= 1 && n <= 5) {
            return n.intValue();
        }
        problems.error(value.at(), "max_auto_reruns: must be an integer from 1 to 5, found " + value.describe());
        return 0;
    }

    /** The key of the processed job in the pipeline's jobs: its name, unless another job already holds it. */
    private String jobKey(String name, Node.Mapping processed) {
        String key = name;
        for (int n = 2; jobs.containsKey(key); n++) {
            if (jobs.get(key).toPlain().equals(processed.toPlain())) {
                return key;
            }
            key = name + "-" + n;
        }
        jobs.put(key, processed);
        return key;
    }

    /** A job invocation before expansion: one per matrix combination. */
    private static final class Candidate {
        String name;
        boolean named;
        String reference;
        List<Node.Entry> arguments;
        Source at;
        Node requires;
        Node context;
        Node filters;
        Node preSteps;
        Node postSteps;
        boolean approval;
        String serialGroup;
        Map<String, Object> matrix = Map.of();
        Map<String, Node> matrixValues = Map.of();
    }

    private void invocation(String workflow, Node item, List<Candidate> out, Map<String, List<String>> aliases) {
        String reference;
        Node.Mapping arguments;
        Source at;
        if (item instanceof Node.Scalar scalar && scalar.isString()) {
            reference = scalar.text();
            arguments = new Node.Mapping(Map.of(), scalar.at());
            at = scalar.at();
        } else if (item instanceof Node.Mapping mapping && mapping.entries().size() == 1) {
            Node.Entry entry = mapping.entries().values().iterator().next();
            reference = entry.key();
            at = entry.keyAt();
            if (entry.value() instanceof Node.Mapping given) {
                arguments = given;
            } else if (entry.value() instanceof Node.Scalar s && s.isNull()) {
                arguments = new Node.Mapping(Map.of(), at);
            } else {
                problems.error(entry.value().at(), "job " + reference + " in workflow " + workflow
                        + " takes a mapping (requires:, filters:, arguments), found " + entry.value().describe());
                return;
            }
        } else {
            problems.error(item.at(), "a workflow job is a job name or a mapping of one job name to its settings,"
                    + " found " + (item instanceof Node.Mapping m ? "a mapping of " + m.entries().size() + " keys"
                    : item.describe()));
            return;
        }
        Candidate base = new Candidate();
        base.reference = reference;
        base.at = at;
        base.arguments = new ArrayList<>();
        for (Node.Entry entry : arguments.entries().values()) {
            switch (entry.key()) {
                case "requires" -> base.requires = entry.value();
                case "context" -> base.context = entry.value();
                case "filters" -> base.filters = entry.value();
                case "pre-steps" -> base.preSteps = entry.value();
                case "post-steps" -> base.postSteps = entry.value();
                case "type" -> {
                    if (entry.value() instanceof Node.Scalar type && type.text().equals("approval")) {
                        base.approval = true;
                    } else {
                        problems.error(entry.value().at(), "type: of a workflow job can only be approval");
                    }
                }
                case "serial-group" -> base.serialGroup = entry.value() instanceof Node.Scalar group
                        && group.isString() ? group.text() : null;
                case "name", "matrix", "override-with" -> { }
                default -> base.arguments.add(entry);
            }
        }
        Node matrix = arguments.get("matrix");
        Node name = arguments.get("name");
        if (name != null && !(name instanceof Node.Scalar n && !n.isNull())) {
            problems.error(name.at(), "name: of a workflow job must be a string, found " + name.describe());
            name = null;
        }
        if (matrix == null) {
            base.named = name != null;
            base.name = name == null ? reference : matrixText(name, Map.of());
            base.requires = base.requires;
            out.add(base);
            budgetJob(at);
            return;
        }
        List<Map<String, Node>> combinations = combinations(matrix, base);
        String alias = reference;
        if (matrix instanceof Node.Mapping m && m.get("alias") instanceof Node.Scalar a && !a.isNull()) {
            alias = a.text();
        }
        for (Map<String, Node> combination : combinations) {
            Candidate one = new Candidate();
            one.reference = reference;
            one.at = at;
            one.arguments = new ArrayList<>(base.arguments);
            Map<String, Object> shown = new LinkedHashMap<>();
            List<String> parts = new ArrayList<>();
            parts.add(reference);
            for (Map.Entry<String, Node> value : combination.entrySet()) {
                one.arguments.add(new Node.Entry(value.getKey(), value.getValue().at(), value.getValue()));
                shown.put(value.getKey(), value.getValue().toPlain());
                parts.add(value.getValue() instanceof Node.Scalar s ? s.text() : String.valueOf(s(value.getValue())));
            }
            one.matrix = shown;
            one.matrixValues = combination;
            one.named = true;
            one.name = name == null ? String.join("-", parts) : matrixText(name, combination);
            one.requires = base.requires;
            one.context = base.context;
            one.filters = base.filters;
            one.preSteps = base.preSteps;
            one.postSteps = base.postSteps;
            one.approval = base.approval;
            one.serialGroup = base.serialGroup;
            out.add(one);
            aliases.computeIfAbsent(alias, k -> new ArrayList<>()).add(one.name);
            budgetJob(at);
        }
    }

    private static Object s(Node node) {
        return node.toPlain();
    }

    private void budgetJob(Source at) {
        if (++jobCount > Limits.MAX_WORKFLOW_JOBS) {
            throw new dev.runway.pipeline.yaml.LimitExceeded(at, "the workflows hold more than "
                    + Limits.MAX_WORKFLOW_JOBS + " jobs (the cap on workflow jobs)");
        }
    }

    /** Every combination of the matrix's parameters, parameters in name order, the first varying slowest. */
    private List<Map<String, Node>> combinations(Node matrix, Candidate base) {
        List<Map<String, Node>> combinations = new ArrayList<>();
        if (!(matrix instanceof Node.Mapping mapping) || !(mapping.get("parameters") instanceof Node.Mapping params)) {
            problems.error(matrix.at(), "matrix needs parameters:, a mapping of parameter names to lists of"
                    + " values");
            return combinations;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            if (!MATRIX_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), "matrix has parameters:, exclude: and alias:, not '" + entry.key()
                        + "'" + Problems.hint(entry.key(), MATRIX_KEYS));
            }
        }
        TreeMap<String, List<Node>> values = new TreeMap<>();
        long size = 1;
        for (Node.Entry entry : params.entries().values()) {
            if (!(entry.value() instanceof Node.Seq seq) || seq.items().isEmpty()) {
                problems.error(entry.value().at(), "matrix parameter " + entry.key()
                        + " needs a non-empty list of values, found " + entry.value().describe());
                return combinations;
            }
            if (base.arguments.stream().anyMatch(a -> a.key().equals(entry.key()))) {
                problems.error(entry.keyAt(), "parameter " + entry.key() + " is given both as an argument and in"
                        + " the matrix; keep one");
            }
            values.put(entry.key(), seq.items());
            size *= seq.items().size();
            if (size > Limits.MAX_MATRIX_JOBS) {
                problems.error(params.at(), "the matrix generates more than " + Limits.MAX_MATRIX_JOBS
                        + " jobs (the cap on matrix size); split it or exclude combinations");
                return combinations;
            }
        }
        List<Map<String, Object>> excluded = new ArrayList<>();
        Node exclude = mapping.get("exclude");
        if (exclude instanceof Node.Seq seq) {
            for (Node item : seq.items()) {
                if (!(item instanceof Node.Mapping one)) {
                    problems.error(item.at(), "each matrix exclude is a mapping of parameter values, found "
                            + item.describe());
                    continue;
                }
                Map<String, Object> plain = new HashMap<>();
                for (Node.Entry entry : one.entries().values()) {
                    if (!values.containsKey(entry.key())) {
                        problems.error(entry.keyAt(), "matrix exclude names '" + entry.key()
                                + "', which is not a matrix parameter" + Problems.hint(entry.key(), values.keySet()));
                    }
                    plain.put(entry.key(), text(entry.value()));
                }
                excluded.add(plain);
            }
        } else if (exclude != null) {
            problems.error(exclude.at(), "matrix exclude is a list of parameter-value mappings, found "
                    + exclude.describe());
        }
        List<String> names = new ArrayList<>(values.keySet());
        int[] index = new int[names.size()];
        for (long n = 0; n < size; n++) {
            Map<String, Node> combination = new LinkedHashMap<>();
            Map<String, Object> plain = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Node value = values.get(names.get(i)).get(index[i]);
                combination.put(names.get(i), value);
                plain.put(names.get(i), text(value));
            }
            if (!excluded.contains(plain)) {
                combinations.add(combination);
            }
            for (int i = names.size() - 1; i >= 0; i--) {
                if (++index[i] < values.get(names.get(i)).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
        return combinations;
    }

    private static Object text(Node node) {
        return node instanceof Node.Scalar scalar ? scalar.text() : node.toPlain();
    }

    /** {@code << matrix.x >>} substituted in a name or a required name. */
    private String matrixText(Node node, Map<String, Node> matrix) {
        Templates.Resolver resolver = new Templates.Resolver() {
            @Override
            public boolean handles(String reference) {
                return reference.startsWith("matrix.");
            }

            @Override
            public Node resolve(String reference, Source at) {
                Node value = matrix.get(reference.substring("matrix.".length()));
                if (value == null) {
                    problems.error(at, "<< " + reference + " >> names no parameter of this job's matrix"
                            + (matrix.isEmpty() ? " (the job has no matrix)" : Problems.hint(
                                    reference.substring("matrix.".length()), matrix.keySet())));
                }
                return value;
            }
        };
        Node done = node instanceof Node.Scalar scalar && scalar.isString()
                ? new Templates(resolver, problems, budget).string(scalar.text(), scalar.at()) : node;
        return done instanceof Node.Scalar s ? s.text() : String.valueOf(done.toPlain());
    }

    /** Unnamed invocations of the same job get -1, -2, ... as CircleCI names them; named duplicates are errors. */
    private void nameDuplicates(String workflow, List<Candidate> candidates) {
        Map<String, List<Candidate>> byName = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            byName.computeIfAbsent(candidate.name, k -> new ArrayList<>()).add(candidate);
        }
        for (Map.Entry<String, List<Candidate>> entry : byName.entrySet()) {
            List<Candidate> same = entry.getValue();
            if (same.size() < 2) {
                continue;
            }
            if (same.stream().anyMatch(c -> c.named)) {
                Candidate second = same.get(1);
                problems.error(second.at, "workflow " + workflow + " has two jobs named '" + entry.getKey()
                        + "' (first on line " + same.get(0).at.line() + "); give each a different name:");
                continue;
            }
            for (int i = 0; i < same.size(); i++) {
                same.get(i).name = entry.getKey() + "-" + (i + 1);
            }
        }
    }

    private List<Plan.Requirement> requirements(String workflow, Candidate candidate, Set<String> names,
            Map<String, List<String>> aliases) {
        List<Plan.Requirement> requirements = new ArrayList<>();
        Node requires = candidate.requires;
        if (requires == null || requires instanceof Node.Scalar s && s.isNull()) {
            return requirements;
        }
        List<Node> items = requires instanceof Node.Seq seq ? seq.items() : List.of(requires);
        if (!(requires instanceof Node.Seq)) {
            problems.error(requires.at(), "requires must be a list of job names, found " + requires.describe());
            return requirements;
        }
        for (Node item : items) {
            Node nameNode = item;
            List<String> statuses = List.of("success");
            if (item instanceof Node.Mapping mapping && mapping.entries().size() == 1) {
                Node.Entry entry = mapping.entries().values().iterator().next();
                nameNode = new Node.Scalar(entry.key(), entry.key(), entry.keyAt());
                statuses = statuses(entry.value());
            } else if (!(item instanceof Node.Scalar scalar) || !scalar.isString()) {
                problems.error(item.at(), "each requires item is a job name or a mapping of one job name to its"
                        + " statuses, found " + item.describe());
                continue;
            }
            String required = matrixText(nameNode, candidate.matrixValues);
            List<String> targets;
            if (names.contains(required)) {
                targets = List.of(required);
            } else if (aliases.containsKey(required)) {
                targets = aliases.get(required);
            } else {
                Set<String> known = new HashSet<>(names);
                known.addAll(aliases.keySet());
                problems.error(nameNode.at(), "job " + candidate.name + " requires '" + required
                        + "', which is not a job of workflow " + workflow + Problems.hint(required, known));
                continue;
            }
            for (String target : targets) {
                if (target.equals(candidate.name)) {
                    problems.error(nameNode.at(), "job " + candidate.name + " requires itself");
                } else {
                    requirements.add(new Plan.Requirement(target, statuses));
                }
            }
        }
        return requirements;
    }

    private List<String> statuses(Node node) {
        List<Node> items = node instanceof Node.Seq seq ? seq.items() : List.of(node);
        List<String> statuses = new ArrayList<>();
        for (Node item : items) {
            String status = item instanceof Node.Scalar s ? s.text() : "";
            if (!STATUSES.contains(status)) {
                problems.error(item.at(), "a required job's status is one of " + String.join(", ", STATUSES)
                        + ", found " + (item instanceof Node.Scalar s ? "'" + s.text() + "'" : item.describe())
                        + Problems.hint(status, STATUSES));
            } else {
                statuses.add(status);
            }
        }
        return statuses.isEmpty() ? List.of("success") : List.copyOf(statuses);
    }

    private List<String> contexts(Node context) {
        if (context == null || context instanceof Node.Scalar s && s.isNull()) {
            return List.of();
        }
        List<Node> items = context instanceof Node.Seq seq ? seq.items() : List.of(context);
        List<String> contexts = new ArrayList<>();
        for (Node item : items) {
            if (item instanceof Node.Scalar scalar && scalar.isString()) {
                contexts.add(scalar.text());
            } else {
                problems.error(item.at(), "context is a context name or a list of names, found " + item.describe());
            }
        }
        return contexts;
    }

    private List<Node> triggers(Node triggers) {
        if (triggers == null) {
            return List.of();
        }
        if (!(triggers instanceof Node.Seq seq)) {
            problems.error(triggers.at(), "triggers must be a list of schedule: triggers, found "
                    + triggers.describe());
            return List.of();
        }
        for (Node trigger : seq.items()) {
            if (!(trigger instanceof Node.Mapping mapping) || !(mapping.get("schedule") instanceof Node.Mapping
                    schedule)) {
                problems.error(trigger.at(), "a trigger is a mapping with schedule: (cron: and filters:)");
                continue;
            }
            Node cron = schedule.get("cron");
            if (!(cron instanceof Node.Scalar c) || c.text().trim().split("\\s+").length != 5) {
                problems.error(cron == null ? schedule.at() : cron.at(), "schedule needs cron:, five fields"
                        + " (minute hour day-of-month month day-of-week), like \"0 3 * * *\"");
            }
            for (Node.Entry entry : schedule.entries().values()) {
                if (!List.of("cron", "filters").contains(entry.key())) {
                    problems.error(entry.keyAt(), "schedule has cron: and filters:, not '" + entry.key() + "'");
                }
            }
            filters.admits(schedule.get("filters"), null, null);
        }
        return seq.items();
    }

    /** Reports a requires cycle (a job waiting on itself through others), naming the jobs on it. */
    private void checkCycles(String workflow, Collection<Plan.Job> planned) {
        Map<String, Plan.Job> byName = new HashMap<>();
        planned.forEach(job -> byName.put(job.name(), job));
        Map<String, Integer> state = new HashMap<>();
        for (Plan.Job job : planned) {
            List<String> path = new ArrayList<>();
            if (cycle(job.name(), byName, state, path)) {
                problems.error(job.at(), "workflow " + workflow + " has a requires cycle: "
                        + String.join(" -> ", path));
                return;
            }
        }
    }

    private boolean cycle(String name, Map<String, Plan.Job> byName, Map<String, Integer> state, List<String> path) {
        Integer seen = state.get(name);
        if (seen != null) {
            if (seen == 1) {
                path.add(name);
                return true;
            }
            return false;
        }
        state.put(name, 1);
        path.add(name);
        Plan.Job job = byName.get(name);
        if (job != null) {
            for (Plan.Requirement requirement : job.requires()) {
                if (cycle(requirement.job(), byName, state, path)) {
                    return true;
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        return false;
    }
}
