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
 *       workflow, its jobs {@code blocked} (filtered ones {@code not_run}), and the scheduler is woken.</li>
 * </ol>
 * It answers the pipeline as stored. It is safe to call from several threads: numbers come from the store.
 */
public final class PipelineTriggers {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineTriggers.class);
    public static final String CONFIG_PATH = ".circleci/config.yml";
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
        String[] message = git.message(project.id(), revision);
        PipelineValues.Builder values = PipelineValues.builder().id(pipeline.id()).number(pipeline.number())
                .projectGitUrl(project.repositoryUrl()).projectType(ProjectSlugs.provider(project.slug())
                        .toLowerCase(java.util.Locale.ROOT))
                .branch(branch).tag(tag).revision(revision).triggerSource(triggerSource(request.type()))
                .value("trigger.type", request.type()).value("git.commit.subject", message[0])
                .value("git.commit.body", message[1]).value("git.repo_url", project.repositoryUrl())
                .value("git.repo_name", project.name())
                .value("git.branch.is_default", branch != null && branch.equals(project.defaultBranch()));
        request.parameters().forEach(values::parameter);
        dev.runway.pipeline.Compilation compilation = PipelineCompiler.compile(CONFIG_PATH, config, values.build(),
                orbs(project, revision));
        if (compilation.pipeline() == null) {
            List<String> problems = new ArrayList<>();
            for (Problem problem : compilation.problems()) {
                problems.add(problem.file() + ":" + problem.line() + ":" + problem.column() + ": "
                        + problem.message());
            }
            return errored(pipeline, source, problems);
        }
        CompiledPipeline compiled = compilation.pipeline();
        List<CompiledPipeline.Workflow> workflows;
        try {
            workflows = selected(compiled, request);
        } catch (IllegalArgumentException e) {
            return errored(pipeline, source, List.of(e.getMessage()));
        }
        for (CompiledPipeline.Workflow workflow : workflows) {
            store.pipelines().createWorkflow(pipeline.id(), workflow.name(), null, workflow.maxAutoReruns(),
                    workflowJobs(compiled, workflow), now);
        }
        Pipeline created = store.pipelines().updatePipeline(pipeline.id(), "created", "[]", source,
                compiled.toYaml(), clock.millis());
        LOG.info("pipeline {} #{} of {} at {} ({}): {} workflow(s)", created.id(), created.number(), project.slug(),
                revision, branch != null ? "branch " + branch : "tag " + tag, workflows.size());
        wakeScheduler.run();
        return created;
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
        return compiled.workflows();
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
            case "scheduled_pipeline" -> "scheduled_pipeline";
            case "webhook" -> "webhook";
            default -> "api";
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
