package dev.runway.server;

import dev.runway.protocol.GitRefs;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.PipelinesApi.Page;
import dev.runway.server.pipeline.GitRepositories;
import dev.runway.server.pipeline.PipelineTriggers;
import dev.runway.server.pipeline.ProjectSlugs;
import dev.runway.server.pipeline.TriggerRequest;
import dev.runway.server.pipeline.WorkflowActions;
import dev.runway.server.store.Namespace;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Projects ({@code /api/v3/projects}) and CircleCI API v2's pipelines, workflows and jobs ({@code /api/v2}), for the
 * admin token in any of CircleCI's forms. A project slug is taken URL-escaped as one path segment
 * ({@code gh%2Forg%2Frepo}) or as its three segments; both route to the same operation.
 */
final class PipelineRoutes {
    private static final String V2 = PipelinesApi.V2;
    private static final int PAGE_SIZE = 20;
    private static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Who the admin token is, as API v2 names the actor. */
    static final String ADMIN_LOGIN = "admin";
    /** A project slug in a route template: URL-escaped in one segment, or its three segments. */
    static final List<String> SLUG_SPELLINGS = List.of("{project-slug}", "{vcs}/{org}/{repo}");
    private final Store store;
    private final Auth auth;
    private final PipelineTriggers triggers;
    private final WorkflowActions actions;
    private final GitRepositories git;
    private final PipelineViews views;
    private final Clock clock;

    PipelineRoutes(Store store, Auth auth, PipelineTriggers triggers, WorkflowActions actions, GitRepositories git,
            Clock clock) {
        this.store = store;
        this.auth = auth;
        this.triggers = triggers;
        this.actions = actions;
        this.git = git;
        this.views = new PipelineViews(store);
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("POST", PipelinesApi.PROJECTS, this::createProject)
                .sync("GET", PipelinesApi.PROJECTS, this::listProjects)
                .sync("GET", PipelinesApi.PROJECTS + "/{project}", this::showProject)
                .sync("DELETE", PipelinesApi.PROJECTS + "/{project}", this::deleteProject)
                .sync("GET", V2 + "/me", this::me)
                .sync("GET", V2 + "/pipeline/{pipeline-id}", this::pipeline)
                .sync("GET", V2 + "/pipeline/{pipeline-id}/config", this::pipelineConfig)
                .sync("GET", V2 + "/pipeline/{pipeline-id}/workflow", this::pipelineWorkflows)
                .sync("GET", V2 + "/workflow/{id}", this::workflow)
                .sync("GET", V2 + "/workflow/{id}/job", this::workflowJobs)
                .sync("POST", V2 + "/workflow/{id}/cancel", this::cancelWorkflow)
                .sync("POST", V2 + "/workflow/{id}/rerun", this::rerun)
                .sync("POST", V2 + "/workflow/{id}/approve/{approval_request_id}", this::approve)
                .sync("POST", V2 + "/jobs/{job-id}/cancel", this::cancelJobById);
        // the slug's two spellings: escaped in one segment, or its three segments; fixed segments route first
        for (String slug : SLUG_SPELLINGS) {
            String project = V2 + "/project/" + slug;
            router.sync("POST", project + "/pipeline", this::trigger)
                    .sync("GET", project + "/pipeline", exchange -> pipelines(exchange, false))
                    .sync("GET", project + "/pipeline/mine", exchange -> pipelines(exchange, true))
                    .sync("GET", project + "/pipeline/{pipeline-number}", this::pipelineByNumber)
                    .sync("GET", project + "/job/{job-number}", this::jobDetails)
                    .sync("POST", project + "/job/{job-number}/cancel", this::cancelJob);
        }
        router.sync("GET", V2 + "/project/{project-slug}", this::v2Project)
                .sync("GET", V2 + "/project/{vcs}/{org}/{repo}", this::v2Project);
    }

    // --- projects (Runway's own management)

    private Reply createProject(Exchange exchange) {
        auth.requireAdmin(exchange);
        PipelinesApi.ProjectCreate body = exchange.json(PipelinesApi.ProjectCreate.class, Limits.JSON_BODY);
        if (body.namespace() == null || body.namespace().isBlank()) {
            throw ApiError.badRequest("namespace: is required");
        }
        if (body.repositoryUrl() == null || body.repositoryUrl().isBlank()) {
            throw ApiError.badRequest("repository_url: is required");
        }
        Namespace namespace = store.management().namespace(body.namespace()).orElseThrow(() -> ApiError.notFound(
                "namespace: \"" + body.namespace() + "\" does not exist (runway namespace create)"));
        String branch = body.defaultBranch() == null || body.defaultBranch().isBlank() ? "main" : body.defaultBranch();
        String name = body.name() == null || body.name().isBlank() ? ProjectSlugs.repositoryName(body.repositoryUrl())
                : body.name();
        try {
            GitRefs.repository("repository_url", body.repositoryUrl());
            GitRefs.branch("default_branch", branch);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (!PROJECT_NAME.matcher(name).matches()) {
            throw ApiError.badRequest("name: \"" + name + "\" must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        String id = UUID.randomUUID().toString();
        String slug = ProjectSlugs.of(namespace.orgId(), name, id);
        if (store.pipelines().project(slug).isPresent()) {
            throw new ApiError(409, "a project " + slug + " exists already");
        }
        Project project = store.pipelines().createProject(new Project(id, slug, name, namespace.name(),
                body.repositoryUrl(), branch, clock.millis()));
        return Reply.json(201, views.project(project));
    }

    private Reply listProjects(Exchange exchange) {
        auth.requireReader(exchange);
        return Reply.ok(new PipelinesApi.ProjectList(store.pipelines().projects(exchange.query("namespace")).stream()
                .map(views::project).toList()));
    }

    private Project projectByIdOrSlug(String value) {
        return projectByIdOrSlug(store, value);
    }

    /** A project by id or by slug (URL-escaped or not). */
    static Project projectByIdOrSlug(Store store, String value) {
        String key = ProjectSlugs.normalise(value);
        return store.pipelines().project(key).orElseThrow(() -> ApiError.notFound("Project not found"));
    }

    private Reply showProject(Exchange exchange) {
        auth.requireReader(exchange);
        return Reply.ok(views.project(projectByIdOrSlug(exchange.path("project"))));
    }

    private Reply deleteProject(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = projectByIdOrSlug(exchange.path("project"));
        store.pipelines().deleteProject(project.id());
        git.remove(project.id());
        return Reply.ok(new PipelinesApi.Message("Project " + project.slug() + " deleted."));
    }

    // --- API v2

    private Project slugProject(Exchange exchange) {
        return slugProject(store, exchange);
    }

    /** The project a route's slug names, in either spelling ({@code {project-slug}} or {@code {vcs}/{org}/{repo}}). */
    static Project slugProject(Store store, Exchange exchange) {
        String slug = exchange.path("project-slug") != null ? exchange.path("project-slug")
                : exchange.path("vcs") + "/" + exchange.path("org") + "/" + exchange.path("repo");
        return store.pipelines().project(ProjectSlugs.normalise(slug))
                .orElseThrow(() -> ApiError.notFound("Project not found"));
    }

    private Reply me(Exchange exchange) {
        auth.requireAdmin(exchange);
        return Reply.ok(new PipelinesApi.User(PipelineViews.userId(ADMIN_LOGIN), ADMIN_LOGIN, "Runway admin", null));
    }

    private Reply v2Project(Exchange exchange) {
        auth.requireReader(exchange);
        return Reply.ok(views.project(slugProject(exchange)));
    }

    private Reply trigger(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = slugProject(exchange);
        byte[] raw = exchange.body(Limits.JSON_BODY);
        PipelinesApi.TriggerBody body = raw.length == 0 || new String(raw, StandardCharsets.UTF_8).isBlank()
                ? new PipelinesApi.TriggerBody(null, null, null)
                : exchange.json(PipelinesApi.TriggerBody.class, Limits.JSON_BODY);
        Map<String, Object> parameters = body.parameters() == null ? Map.of() : body.parameters();
        parameters.forEach((key, value) -> {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw ApiError.badRequest("parameters." + key + ": expected a string, a number or true or false");
            }
        });
        Pipeline pipeline;
        try {
            pipeline = triggers.trigger(project, TriggerRequest.api(body.branch(), body.tag(), parameters,
                    ADMIN_LOGIN));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        } catch (GitRepositories.GitException e) {
            throw new ApiError(502, e.getMessage());
        }
        String state = pipeline.state().equals("created") ? "pending" : pipeline.state();
        return Reply.json(201, new PipelinesApi.PipelineCreated(pipeline.id(), state, pipeline.number(),
                Times.iso(pipeline.createdAt())));
    }

    private Reply pipelines(Exchange exchange, boolean mine) {
        auth.requireReader(exchange);
        Project project = slugProject(exchange);
        long before = 0;
        String token = exchange.query("page-token");
        if (token != null && !token.isEmpty()) {
            try {
                before = Long.parseLong(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("page-token: \"" + token + "\" is not a token this server gave");
            }
        }
        List<Pipeline> page = store.pipelines().pipelines(project.id(), mine ? null : exchange.query("branch"),
                before, PAGE_SIZE + 1);
        String next = null;
        if (page.size() > PAGE_SIZE) {
            page = page.subList(0, PAGE_SIZE);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(Long.toString(
                    page.get(PAGE_SIZE - 1).number()).getBytes(StandardCharsets.UTF_8));
        }
        return Reply.ok(new Page<>(page.stream().map(p -> views.pipeline(p, project)).toList(), next));
    }

    private Pipeline pipelineOf(Exchange exchange) {
        return store.pipelines().pipeline(exchange.path("pipeline-id"))
                .orElseThrow(() -> ApiError.notFound("Pipeline not found"));
    }

    private Reply pipeline(Exchange exchange) {
        auth.requireReader(exchange);
        Pipeline pipeline = pipelineOf(exchange);
        return Reply.ok(views.pipeline(pipeline, store.pipelines().project(pipeline.projectId()).orElseThrow()));
    }

    private Reply pipelineByNumber(Exchange exchange) {
        auth.requireReader(exchange);
        Project project = slugProject(exchange);
        long number = number(exchange, "pipeline-number");
        Pipeline pipeline = store.pipelines().pipelineByNumber(project.id(), number)
                .orElseThrow(() -> ApiError.notFound("Pipeline not found"));
        return Reply.ok(views.pipeline(pipeline, project));
    }

    private Reply pipelineConfig(Exchange exchange) {
        auth.requireReader(exchange);
        Pipeline pipeline = pipelineOf(exchange);
        return Reply.ok(new PipelinesApi.PipelineConfig(pipeline.config() == null ? "" : pipeline.config(),
                pipeline.compiled() == null ? "" : pipeline.compiled()));
    }

    private Reply pipelineWorkflows(Exchange exchange) {
        auth.requireReader(exchange);
        Pipeline pipeline = pipelineOf(exchange);
        Project project = store.pipelines().project(pipeline.projectId()).orElseThrow();
        List<PipelinesApi.Workflow> items = new ArrayList<>();
        for (Workflow workflow : store.pipelines().workflows(pipeline.id())) {
            items.add(views.workflow(workflow, pipeline, project));
        }
        return Reply.ok(new Page<>(items, null));
    }

    private Workflow workflowOf(Exchange exchange) {
        return store.pipelines().workflow(exchange.path("id"))
                .orElseThrow(() -> ApiError.notFound("Workflow not found"));
    }

    private Reply workflow(Exchange exchange) {
        auth.requireReader(exchange);
        Workflow workflow = workflowOf(exchange);
        Pipeline pipeline = store.pipelines().pipeline(workflow.pipelineId()).orElseThrow();
        return Reply.ok(views.workflow(workflow, pipeline, store.pipelines().project(pipeline.projectId())
                .orElseThrow()));
    }

    private Reply workflowJobs(Exchange exchange) {
        auth.requireReader(exchange);
        Workflow workflow = workflowOf(exchange);
        Project project = store.pipelines().projectOfWorkflow(workflow.id()).orElseThrow();
        return Reply.ok(new Page<>(views.workflowJobs(store.pipelines().workflowJobs(workflow.id()), project),
                null));
    }

    private Reply cancelWorkflow(Exchange exchange) {
        auth.requireAdmin(exchange);
        actions.cancel(workflowOf(exchange).id(), PipelineViews.userId(ADMIN_LOGIN));
        return Reply.json(202, new PipelinesApi.Message("Accepted."));
    }

    private Reply rerun(Exchange exchange) {
        auth.requireAdmin(exchange);
        Workflow workflow = workflowOf(exchange);
        byte[] raw = exchange.body(Limits.JSON_BODY);
        PipelinesApi.RerunBody body = raw.length == 0 || new String(raw, StandardCharsets.UTF_8).isBlank()
                || new String(raw, StandardCharsets.UTF_8).strip().equals("null")
                ? new PipelinesApi.RerunBody(null, null, null, null, null)
                : exchange.json(PipelinesApi.RerunBody.class, Limits.JSON_BODY);
        try {
            Workflow rerun = actions.rerun(workflow.id(), body.failedOnly(), body.jobs());
            return Reply.json(202, new PipelinesApi.RerunAnswer(rerun.id()));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private Reply approve(Exchange exchange) {
        auth.requireAdmin(exchange);
        try {
            actions.approve(workflowOf(exchange).id(), exchange.path("approval_request_id"),
                    PipelineViews.userId(ADMIN_LOGIN));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return Reply.json(202, new PipelinesApi.Message("Accepted."));
    }

    private WorkflowJob jobByNumber(Exchange exchange, Project project) {
        long number = number(exchange, "job-number");
        return store.pipelines().workflowJobByNumber(project.id(), number)
                .orElseThrow(() -> ApiError.notFound("Job not found"));
    }

    private Reply jobDetails(Exchange exchange) {
        auth.requireReader(exchange);
        Project project = slugProject(exchange);
        return Reply.ok(views.jobDetails(jobByNumber(exchange, project), project));
    }

    private Reply cancelJob(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = slugProject(exchange);
        actions.cancelJob(jobByNumber(exchange, project));
        return Reply.ok(new PipelinesApi.Message("Canceled."));
    }

    private Reply cancelJobById(Exchange exchange) {
        auth.requireAdmin(exchange);
        WorkflowJob job = store.pipelines().workflowJob(exchange.path("job-id"))
                .orElseThrow(() -> ApiError.notFound("Job not found"));
        actions.cancelJob(job);
        return Reply.ok(new PipelinesApi.Message("Canceled."));
    }

    private static long number(Exchange exchange, String name) {
        String value = exchange.path(name);
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.notFound(name + " \"" + value + "\" is not a number");
    }

    static String json(Object value) {
        return Json.writeString(value);
    }
}
