package dev.runway.server.pipeline;

import dev.runway.pipeline.CompiledPipeline;
import dev.runway.pipeline.OrbSource;
import dev.runway.pipeline.PipelineCompiler;
import dev.runway.pipeline.PipelineValues;
import dev.runway.pipeline.Problem;
import dev.runway.protocol.GitRefs;
import dev.runway.protocol.Json;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.PipelineRepository.NewWorkflowJob;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a pipeline starts, whoever asks (the API, the CLI, a webhook, a poller, a schedule).
 *
 * <p>{@link #trigger} contract:
 * <ol>
 *   <li>The request is checked first: {@code branch} and {@code tag} exclusive, each a valid ref name, a
 *       {@code revision} a hexadecimal commit id, at most 100 parameters. A bad request throws
 *       {@link IllegalArgumentException} naming the field, and creates nothing.</li>
 *   <li>The project's repository is fetched into the server's mirror, and the branch (default: the project's default
 *       branch) or tag resolved to a commit there; an unknown branch or tag throws {@link IllegalArgumentException}
 *       and creates nothing. A repository that cannot be fetched throws {@link GitRepositories.GitException}.</li>
 *   <li>Then a pipeline is created with the project's next number, its config read from the commit's
 *       {@code .circleci/config.yml} in the mirror (never from a working tree) and compiled with the pipeline values
 *       and parameters. A missing config or compile problems end the pipeline {@code errored} with
 *       {@code errors[]} of type {@code config}; otherwise it is {@code created} with one workflow per compiled
 *       workflow (but those with schedule triggers, which run on their schedule only), its jobs {@code blocked}
 *       (filtered ones {@code not_run}), and the scheduler is woken once the workflows exist. A setup config ({@code setup: true}) makes
 *       the pipeline {@code setup} instead, with a continuation key its jobs get as {@code CIRCLE_CONTINUATION_KEY}
 *       ({@link #continueSetup}). A pipeline of the default branch replaces the project's config schedules.</li>
 * </ol>
 * It answers the pipeline as stored. It is safe to call from several threads: numbers come from the store.
 */
public final class PipelineTriggers {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineTriggers.class);
    public static final String CONFIG_PATH = ".circleci/config.yml";
    /** The name a continuation's configuration has in its problems. */
    static final String CONTINUATION_PATH = "continuation configuration";
    /** The state of a pipeline whose setup workflow runs, until it is continued. */
    public static final String SETUP = "setup";
    private static final int MAX_PARAMETERS = 100;
    private final Store store;
    private final GitRepositories git;
    private final PipelineSettings settings;
    private final Runnable wakeScheduler;
    private final Clock clock;

    public PipelineTriggers(Store store, GitRepositories git, PipelineSettings settings, Runnable wakeScheduler,
            Clock clock) {
        this.store = store;
        this.git = git;
        this.settings = settings;
        this.wakeScheduler = wakeScheduler;
        this.clock = clock;
    }

    public Pipeline trigger(Project project, TriggerRequest request) {
        String branch = blankToNull(request.branch());
        String tag = blankToNull(request.tag());
        if (branch != null && tag != null) {
            throw new IllegalArgumentException("branch and tag: give one of them, not both");
        }
        if (branch != null) {
            GitRefs.branch("branch", branch);
        }
        if (tag != null) {
            GitRefs.branch("tag", tag);
        }
        if (request.revision() != null) {
            GitRefs.revision("revision", request.revision());
        }
        if (request.parameters().size() > MAX_PARAMETERS) {
            throw new IllegalArgumentException("parameters: at most " + MAX_PARAMETERS + " entries");
        }
        if (branch == null && tag == null) {
            branch = project.defaultBranch();
        }
        git.fetch(project.id(), project.repositoryUrl());
        String revision;
        if (request.revision() != null) {
            revision = git.resolve(project.id(), request.revision());
            if (revision == null) {
                throw new IllegalArgumentException("revision: " + request.revision() + " is not a commit of "
                        + project.repositoryUrl());
            }
        } else {
            String ref = branch != null ? "refs/heads/" + branch : "refs/tags/" + tag;
            revision = git.resolve(project.id(), ref);
            if (revision == null) {
                throw new IllegalArgumentException((branch != null ? "branch: \"" + branch : "tag: \"" + tag)
                        + "\" does not exist in " + project.repositoryUrl());
            }
        }
        long now = clock.millis();
        Pipeline pipeline = store.pipelines().createPipeline(project.id(), request.type(), request.actor(), branch,
                tag, revision, Json.writeString(request.parameters()), now);
        byte[] config = git.read(project.id(), revision, CONFIG_PATH);
        if (config == null) {
            return errored(pipeline, null, List.of(CONFIG_PATH + " does not exist at " + revision));
        }
        String source = new String(config, StandardCharsets.UTF_8);
        Map<String, Object> parameters = request.parameters();
        dev.runway.pipeline.Compilation compilation = compile(project, pipeline, request, CONFIG_PATH, config,
                parameters, false);
        if (compilation.pipeline() != null && compilation.pipeline().setup()) {
            // a setup config sees pipeline.in_setup true, which only a compilation can tell
            compilation = compile(project, pipeline, request, CONFIG_PATH, config, parameters, true);
        }
        if (compilation.pipeline() == null) {
            return errored(pipeline, source, problems(compilation));
        }
        CompiledPipeline compiled = compilation.pipeline();
        List<CompiledPipeline.Workflow> workflows;
        try {
            workflows = selected(compiled, request);
        } catch (IllegalArgumentException e) {
            return errored(pipeline, source, List.of(e.getMessage()));
        }
        if (compiled.setup()) {
            // before its workflows exist: the scheduler may start a setup job at once, and it must find the key
            String key = Continuations.newKey();
            store.triggers().createContinuation(pipeline.id(), key, Continuations.hash(key), now);
            store.pipelines().updatePipeline(pipeline.id(), SETUP, "[]", source, compiled.toYaml(), now);
        }
        for (CompiledPipeline.Workflow workflow : workflows) {
            store.pipelines().createWorkflow(pipeline.id(), workflow.name(), null, workflow.maxAutoReruns(),
                    workflowJobs(compiled, workflow), now);
        }
        // the workflows are all the scheduler reads (a setup pipeline is marked so above): it queues their first
        // jobs while the pipeline's own row and schedules are written, not after
        wakeScheduler.run();
        Pipeline created = store.pipelines().updatePipeline(pipeline.id(), compiled.setup() ? SETUP : "created",
                "[]", source, compiled.toYaml(), clock.millis());
        if (!compiled.setup() && branch != null && branch.equals(project.defaultBranch())
                && request.onlyWorkflow() == null && request.onlyJob() == null) {
            // the default branch's config says which of its workflows run on a schedule
            try {
                store.triggers().replaceConfigSchedules(project.id(), ScheduleRunner.configSchedules(project,
                        compiled, now));
            } catch (RuntimeException e) {
                // another server registered the same schedules at the same moment (the same ids): theirs stand
                LOG.warn("schedules of {} not replaced: {}", project.slug(), e.getMessage());
            }
        }
        LOG.info("pipeline {} #{} of {} at {} ({}): {} {}workflow(s)", created.id(), created.number(),
                project.slug(), revision, branch != null ? "branch " + branch : "tag " + tag, workflows.size(),
                compiled.setup() ? "setup " : "");
        return created;
    }

    /**
     * Continues a setup pipeline ({@code POST /api/v2/pipeline/continue}): the key is used once, then
     * {@code configuration} (not a setup config itself) is compiled with the pipeline's values and its trigger
     * parameters plus {@code parameters} (none of them given twice), and its workflows run in the same pipeline. An
     * empty configuration ends the setup phase and runs nothing more. A key that is unknown, used, expired (six
     * hours), or whose setup workflows all ended without continuing throws {@link IllegalArgumentException}; a
     * configuration with problems ends the pipeline {@code errored} and throws with the problems.
     */
    public Pipeline continueSetup(String key, String configuration, Map<String, Object> parameters) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("continuation-key: is required");
        }
        if (configuration == null) {
            throw new IllegalArgumentException("configuration: is required (a config, or \"{}\" to run nothing"
                    + " more)");
        }
        Map<String, Object> added = parameters == null ? Map.of() : parameters;
        long now = clock.millis();
        String pipelineId = store.triggers().useContinuation(Continuations.hash(key), now).orElseThrow(() ->
                new IllegalArgumentException("continuation-key: not a key of a pipeline in setup, or used already"));
        Pipeline pipeline = store.pipelines().pipeline(pipelineId).orElseThrow();
        Project project = store.pipelines().project(pipeline.projectId()).orElseThrow();
        if (!SETUP.equals(pipeline.state())) {
            throw new IllegalArgumentException("continuation-key: pipeline " + pipeline.number() + " is "
                    + pipeline.state() + ", not in setup");
        }
        if (now - pipeline.createdAt() > Continuations.LIFETIME.toMillis()) {
            throw new IllegalArgumentException("continuation-key: expired (a pipeline continues within "
                    + Continuations.LIFETIME.toHours() + " hours of its creation)");
        }
        List<Workflow> setupWorkflows = store.pipelines().workflows(pipelineId);
        if (!setupWorkflows.isEmpty() && setupWorkflows.stream().allMatch(workflow ->
                WorkflowStateMachine.isFinalWorkflow(workflow.status()))) {
            throw new IllegalArgumentException("continuation-key: the setup workflow ended without continuing");
        }
        Map<String, Object> merged = new LinkedHashMap<>(storedParameters(pipeline));
        for (Map.Entry<String, Object> parameter : added.entrySet()) {
            if (merged.containsKey(parameter.getKey())) {
                return erroredAndThrow(pipeline, List.of("parameters." + parameter.getKey() + ": given when the"
                        + " pipeline was triggered already; a continuation may not give it again"));
            }
            merged.put(parameter.getKey(), parameter.getValue());
        }
        byte[] config = configuration.getBytes(StandardCharsets.UTF_8);
        if (configuration.isBlank() || configuration.strip().equals("{}")) {
            LOG.info("pipeline {} #{}: setup finished with nothing more to run", pipeline.id(), pipeline.number());
            return store.pipelines().updatePipeline(pipelineId, "created", "[]", pipeline.config(),
                    pipeline.compiled(), now);
        }
        TriggerRequest request = new TriggerRequest(pipeline.branch(), pipeline.tag(), pipeline.revision(), merged,
                pipeline.triggerType(), pipeline.actor(), null, null);
        dev.runway.pipeline.Compilation compilation = compile(project, pipeline, request, CONTINUATION_PATH, config,
                merged, false);
        if (compilation.pipeline() == null) {
            return erroredAndThrow(pipeline, problems(compilation));
        }
        CompiledPipeline compiled = compilation.pipeline();
        if (compiled.setup()) {
            return erroredAndThrow(pipeline, List.of(CONTINUATION_PATH + ": setup: true; a continuation cannot be"
                    + " a setup configuration"));
        }
        for (CompiledPipeline.Workflow workflow : selected(compiled, request)) {
            store.pipelines().createWorkflow(pipelineId, workflow.name(), null, workflow.maxAutoReruns(),
                    workflowJobs(compiled, workflow), now);
        }
        Pipeline continued = store.pipelines().updatePipeline(pipelineId, "created", "[]", configuration,
                compiled.toYaml(), clock.millis());
        LOG.info("pipeline {} #{} of {} continued: {} workflow(s)", pipelineId, pipeline.number(), project.slug(),
                compiled.workflows().size());
        wakeScheduler.run();
        return continued;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> storedParameters(Pipeline pipeline) {
        try {
            return Json.mapper().readValue(pipeline.parameters(), LinkedHashMap.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("stored parameters of pipeline " + pipeline.id() + " are unreadable",
                    e);
        }
    }

    private Pipeline erroredAndThrow(Pipeline pipeline, List<String> problems) {
        errored(pipeline, pipeline.config(), problems);
        throw new IllegalArgumentException(String.join("; ", problems));
    }

    private dev.runway.pipeline.Compilation compile(Project project, Pipeline pipeline, TriggerRequest request,
            String path, byte[] config, Map<String, Object> parameters, boolean inSetup) {
        String branch = pipeline.branch();
        String revision = pipeline.revision();
        String[] message = git.message(project.id(), revision);
        PipelineValues.Builder values = PipelineValues.builder().id(pipeline.id()).number(pipeline.number())
                .projectGitUrl(project.repositoryUrl()).projectType(ProjectSlugs.provider(project.slug())
                        .toLowerCase(java.util.Locale.ROOT))
                .branch(branch).tag(pipeline.tag()).revision(revision).triggerSource(triggerSource(request.type()))
                .value("trigger.type", request.type()).value("git.commit.subject", message[0])
                .value("git.commit.body", message[1]).value("git.repo_url", project.repositoryUrl())
                .value("git.repo_name", project.name()).value("in_setup", inSetup)
                .scheduleName(request.scheduleName())
                .value("git.branch.is_default", branch != null && branch.equals(project.defaultBranch()));
        parameters.forEach(values::parameter);
        return PipelineCompiler.compile(path, config, values.build(), orbs(project, revision));
    }

    private static List<String> problems(dev.runway.pipeline.Compilation compilation) {
        List<String> problems = new ArrayList<>();
        for (Problem problem : compilation.problems()) {
            problems.add(problem.file() + ":" + problem.line() + ":" + problem.column() + ": " + problem.message());
        }
        return problems;
    }

    /** The workflows that run: all, the one named, or one made of the job named alone. */
    private static List<CompiledPipeline.Workflow> selected(CompiledPipeline compiled, TriggerRequest request) {
        if (request.onlyJob() != null) {
            if (!compiled.jobs().containsKey(request.onlyJob())) {
                throw new IllegalArgumentException("job \"" + request.onlyJob() + "\" is not a job of the config"
                        + " (jobs: " + String.join(", ", compiled.jobs().keySet()) + ")");
            }
            return List.of(new CompiledPipeline.Workflow(request.onlyJob(), List.of(new CompiledPipeline.WorkflowJob(
                    request.onlyJob(), request.onlyJob(), false, List.of(), List.of(), null, true, null, Map.of())),
                    List.of(), 0));
        }
        if (request.onlyWorkflow() != null) {
            List<CompiledPipeline.Workflow> named = compiled.workflows().stream()
                    .filter(workflow -> workflow.name().equals(request.onlyWorkflow())).toList();
            if (named.isEmpty()) {
                throw new IllegalArgumentException("workflow \"" + request.onlyWorkflow() + "\" is not a workflow"
                        + " that runs (workflows: " + String.join(", ", compiled.workflows().stream()
                        .map(CompiledPipeline.Workflow::name).toList()) + ")");
            }
            return named;
        }
        // a workflow with schedule triggers runs on its schedule only, as on CircleCI
        return compiled.workflows().stream().filter(workflow -> workflow.triggers().isEmpty()).toList();
    }

    private List<NewWorkflowJob> workflowJobs(CompiledPipeline compiled, CompiledPipeline.Workflow workflow) {
        List<NewWorkflowJob> jobs = new ArrayList<>();
        for (CompiledPipeline.WorkflowJob job : workflow.jobs()) {
            Map<String, List<String>> requires = new LinkedHashMap<>();
            job.requires().forEach(requirement -> requires.put(requirement.job(), requirement.statuses()));
            String status = job.runs() ? JobStatus.BLOCKED.wire() : JobStatus.NOT_RUN.wire();
            String reason = job.runs() ? null : "its filters do not admit this branch or tag";
            if (job.approval()) {
                jobs.add(new NewWorkflowJob(job.name(), "approval", status, Json.writeString(requires), null, null, 1,
                        job.serialGroup(), reason, null));
                continue;
            }
            CompiledPipeline.Job definition = compiled.jobs().get(job.job());
            JobSpec spec = JobSpecs.of(definition, settings).withContexts(job.contexts());
            jobs.add(new NewWorkflowJob(job.name(), "build", status, Json.writeString(requires), spec.toJson(),
                    spec.resourceClass(), Math.max(1, definition.parallelism()), job.serialGroup(), reason, null));
        }
        return jobs;
    }

    private OrbSource orbs(Project project, String revision) {
        OrbSource server = OrbSource.directories(settings.orbDirectories());
        return new OrbSource() {
            @Override
            public Orb find(String namespace, String name, String version) {
                for (String extension : List.of(".yml", ".yaml")) {
                    String path = ".circleci/orbs/" + namespace + "/" + name + "@" + version + extension;
                    byte[] bytes = git.read(project.id(), revision, path);
                    if (bytes != null) {
                        return new Orb(path, bytes);
                    }
                }
                return server.find(namespace, name, version);
            }

            @Override
            public String whereToPut(String namespace, String name, String version) {
                return ".circleci/orbs/" + namespace + "/" + name + "@" + version + ".yml in the repository, or "
                        + server.whereToPut(namespace, name, version);
            }
        };
    }

    private Pipeline errored(Pipeline pipeline, String source, List<String> messages) {
        List<Map<String, String>> errors = new ArrayList<>();
        messages.forEach(message -> errors.add(Map.of("type", "config", "message", message)));
        LOG.info("pipeline {} #{} errored: {}", pipeline.id(), pipeline.number(), String.join("; ", messages));
        return store.pipelines().updatePipeline(pipeline.id(), "errored", Json.writeString(errors), source, null,
                clock.millis());
    }

    private static String triggerSource(String type) {
        return switch (type) {
            case TriggerRequest.SCHEDULED -> TriggerRequest.SCHEDULED;
            case "webhook" -> "webhook";
            case TriggerRequest.POLL -> TriggerRequest.POLL;
            default -> "api";
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
