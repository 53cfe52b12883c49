package dev.runway.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import dev.runway.server.pipeline.JobStatus;
import dev.runway.server.pipeline.ProjectSlugs;
import dev.runway.server.pipeline.WorkflowActions;
import dev.runway.server.store.Job;
import dev.runway.server.store.NodeJob;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Stored projects, pipelines, workflows and jobs in CircleCI API v2's shapes. */
final class PipelineViews {
    private final Store store;

    PipelineViews(Store store) {
        this.store = store;
    }

    /** A stable uuid for an actor's login (API v2 identifies users by uuid). */
    static String userId(String login) {
        return UUID.nameUUIDFromBytes(("runway-user:" + login).getBytes(StandardCharsets.UTF_8)).toString();
    }

    PipelinesApi.Project project(Project project) {
        String[] parts = project.slug().split("/", 3);
        String orgSlug = parts[0] + "/" + parts[1];
        String orgId = UUID.nameUUIDFromBytes(orgSlug.getBytes(StandardCharsets.UTF_8)).toString();
        return new PipelinesApi.Project(project.slug(), project.name(), project.id(), parts[1], orgSlug, orgId,
                new PipelinesApi.VcsInfo(project.repositoryUrl(), ProjectSlugs.provider(project.slug()),
                        project.defaultBranch()), project.namespace());
    }

    PipelinesApi.Pipeline pipeline(Pipeline pipeline, Project project) {
        List<PipelinesApi.PipelineError> errors = read(pipeline.errors(),
                new TypeReference<List<PipelinesApi.PipelineError>>() {});
        Map<String, Object> parameters = read(pipeline.parameters(), new TypeReference<Map<String, Object>>() {});
        PipelinesApi.Vcs vcs = new PipelinesApi.Vcs(ProjectSlugs.provider(project.slug()), project.repositoryUrl(),
                project.repositoryUrl(), pipeline.revision(), pipeline.branch(), pipeline.tag(), null);
        String state = pipeline.state().equals("created") ? "created" : pipeline.state();
        return new PipelinesApi.Pipeline(pipeline.id(), errors, project.slug(), Times.iso(pipeline.updatedAt()),
                pipeline.number(), parameters.isEmpty() ? null : parameters, state, Times.iso(pipeline.createdAt()),
                new PipelinesApi.Trigger(pipeline.triggerType(), Times.iso(pipeline.createdAt()),
                        new PipelinesApi.Actor(pipeline.actor(), null)), vcs);
    }

    PipelinesApi.Workflow workflow(Workflow workflow, Pipeline pipeline, Project project) {
        return new PipelinesApi.Workflow(pipeline.id(), workflow.id(), workflow.name(), project.slug(),
                workflow.status(), userId(pipeline.actor()), pipeline.number(), Times.iso(workflow.createdAt()),
                Times.iso(workflow.stoppedAt()), workflow.canceledBy(), null);
    }

    List<PipelinesApi.WorkflowJob> workflowJobs(List<WorkflowJob> jobs, Project project) {
        Map<String, String> idByName = new HashMap<>();
        jobs.forEach(job -> idByName.put(job.name(), job.id()));
        List<PipelinesApi.WorkflowJob> items = new ArrayList<>();
        for (WorkflowJob job : jobs) {
            Map<String, List<String>> requires = new LinkedHashMap<>();
            WorkflowActions.requires(job).forEach((name, statuses) -> requires.put(idByName.getOrDefault(name, name),
                    statuses));
            boolean approval = job.type().equals("approval");
            items.add(new PipelinesApi.WorkflowJob(job.id(), job.name(), job.type(), job.status(), job.jobNumber(),
                    Times.iso(job.startedAt()), Times.iso(job.stoppedAt()), List.copyOf(requires.keySet()),
                    project.slug(), approval ? job.id() : null, job.approvedBy(), requires));
        }
        return items;
    }

    PipelinesApi.JobDetails jobDetails(WorkflowJob job, Project project) {
        Workflow workflow = store.pipelines().workflow(job.workflowId()).orElseThrow();
        List<NodeJob> nodes = store.pipelines().nodes(job.id());
        List<PipelinesApi.ParallelRun> runs = new ArrayList<>();
        Long created = null;
        for (NodeJob node : nodes) {
            Job task = node.job();
            runs.add(new PipelinesApi.ParallelRun(node.nodeIndex(), JobStatus.of(task.state()).wire()));
            created = created == null ? task.createdAt() : Math.min(created, task.createdAt());
        }
        List<PipelinesApi.JobMessage> messages = new ArrayList<>();
        if (job.reason() != null) {
            messages.add(new PipelinesApi.JobMessage("info", job.reason(), null));
        }
        Long duration = job.startedAt() != null && job.stoppedAt() != null ? job.stoppedAt() - job.startedAt()
                : null;
        String queued = Times.iso(job.queuedAt() != null ? job.queuedAt() : workflow.createdAt());
        return new PipelinesApi.JobDetails(job.jobNumber() == null ? 0 : job.jobNumber(), job.name(), job.status(),
                Times.iso(job.startedAt()), Times.iso(created != null ? created : workflow.createdAt()), queued,
                duration, new PipelinesApi.Executor(job.resourceClass() == null ? "" : job.resourceClass(), "machine"),
                new PipelinesApi.JobProject(project.id(), project.slug(), project.name(), project.repositoryUrl()),
                new PipelinesApi.Named(project.slug().split("/", 3)[1]), List.of(), "", runs,
                new PipelinesApi.Ref(workflow.id(), workflow.name()), new PipelinesApi.Id(workflow.pipelineId()),
                job.parallelism(), messages, Times.iso(job.stoppedAt()));
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("stored pipeline field is unreadable", e);
        }
    }
}
