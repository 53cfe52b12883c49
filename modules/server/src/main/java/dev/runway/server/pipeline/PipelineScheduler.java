package dev.runway.server.pipeline;

import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.server.store.Job;
import dev.runway.server.store.NodeJob;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.PipelineRepository.NodeSpec;
import dev.runway.server.store.Project;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every active workflow: reads its jobs (a running job's status from its tasks' jobs), asks
 * {@link WorkflowStateMachine} what follows, and applies it: status changes, queued jobs (one per parallel node, on
 * the job's resource class; a serial group's next job only once none of the group is queued or running), cancels.
 * Everything it knows is in the store, so a restarted server goes on where it stopped; a dead runner's task is
 * requeued by the lease reaper like any job's. Runs on one thread, every tick and whenever {@link #wake()} is called.
 */
public final class PipelineScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineScheduler.class);
    /** How soon a woken pass that found the scheduler's turn taken tries again. */
    private static final long TURN_TAKEN_RETRY_MILLIS = 20;
    private final Store store;
    private final JobQueue queue;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean wakePending = new AtomicBoolean();

    public PipelineScheduler(Store store, JobQueue queue, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "runway-pipelines");
            t.setDaemon(true);
            return t;
        });
    }

    public void start(java.time.Duration tick) {
        thread.scheduleWithFixedDelay(() -> safeRun(), 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Looks at the workflows again soon (a trigger, an approval, a job's end); calls made meanwhile coalesce. A pass
     * that finds the scheduler's turn taken (another replica's pass, or a job's end driving its workflow) is tried
     * again shortly: what it was woken for may not be in the pass that holds the turn.
     */
    public void wake() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    wakePending.set(false);
                    if (!safeRun()) {
                        try {
                            thread.schedule(this::wake, TURN_TAKEN_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                        } catch (java.util.concurrent.RejectedExecutionException stopped) {
                            // closing: no more passes
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                wakePending.set(false);
            }
        }
    }

    /**
     * A task of job {@code jobId} has ended: its workflow is driven now, on the caller's thread (the task's result
     * route, before it answers), so that a job requiring it is queued, and a held claim answered, by the time the
     * runner hears that its result is in; a thread woken for it would first have to be scheduled. Once a pass has
     * queued a job, the passes that may follow it (which find nothing to do after a job's plain end) go to the
     * scheduler's thread: the runner's next claim does not wait for them. Idempotent and safe beside a pass of the
     * scheduler's own (every change is a compare-and-set, and {@code queue} takes a workflow job once: its row is
     * locked and must still be blocked). When it cannot run here (another replica holds the scheduler's turn, or it
     * failed) the scheduler is woken instead, and its tick stays the safety net.
     */
    public void jobEnded(String jobId) {
        boolean driven = false;
        boolean[] more = {false};
        try {
            Optional<String> workflowId = store.testResults().workflowJobOf(jobId)
                    .flatMap(node -> store.pipelines().workflowJob(node[0])).map(WorkflowJob::workflowId);
            if (workflowId.isEmpty()) {
                return; // a job submitted on its own: no workflow waits for it
            }
            driven = store.exclusively("pipeline-scheduler", () -> more[0] = driveUntilQueued(workflowId.get()));
            if (driven && more[0]) {
                driveAside(workflowId.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("driving the workflow of job {} after its end failed; the scheduler retries it", jobId, e);
        }
        if (!driven) {
            wake();
        }
    }

    /** {@link #driveWorkflow} on the scheduler's thread; the scheduler is woken when another holds the turn. */
    private void driveAside(String workflowId) {
        try {
            thread.execute(() -> {
                boolean ran;
                try {
                    ran = store.exclusively("pipeline-scheduler", () -> driveWorkflow(workflowId));
                } catch (RuntimeException e) {
                    LOG.warn("driving workflow {} failed; retrying on the next tick", workflowId, e);
                    ran = true;
                }
                if (!ran) {
                    wake();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // closing: no more passes
        }
    }

    /** One pass, unless another holds the turn; answers false only then (a failed pass waits for the tick). */
    private boolean safeRun() {
        try {
            // replicas sharing the store take turns: two passes at once would start the same workflow job twice
            return store.exclusively("pipeline-scheduler", this::runOnce);
        } catch (RuntimeException e) {
            LOG.error("pipeline scheduling failed; retrying on the next tick", e);
            return true;
        }
    }

    /** One pass over the active workflows (tests call it directly). */
    public void runOnce() {
        for (Workflow workflow : store.pipelines().activeWorkflows()) {
            driveWorkflow(workflow.id());
        }
    }

    private void driveWorkflow(String workflowId) {
        // a pass that changed something may let the next pass go further (an approval on hold, a not_run chain)
        for (int pass = 0; pass < 3 && drive(workflowId) != Pass.UNCHANGED; pass++) {
            // again
        }
    }

    /**
     * {@link #driveWorkflow}, but only until a pass has queued a job; answers whether passes may be left (that one
     * changed something else too, or it was not the last).
     */
    private boolean driveUntilQueued(String workflowId) {
        for (int pass = 0; pass < 3; pass++) {
            Pass done = drive(workflowId);
            if (done == Pass.UNCHANGED) {
                return false;
            }
            if (done == Pass.QUEUED) {
                return true;
            }
        }
        return false;
    }

    /** What one pass did: nothing, changed the workflow (no job queued), or queued at least one job. */
    private enum Pass { UNCHANGED, CHANGED, QUEUED }

    /**
     * Applies one decision to the workflow; answers what changed. Every status change is a
     * compare-and-set against what was read: when an approval, a cancel or a rerun changed the workflow meanwhile,
     * the rest of the decision is dropped and the next pass decides again on what is there now.
     */
    private Pass drive(String workflowId) {
        Workflow workflow = store.pipelines().workflow(workflowId).orElse(null);
        if (workflow == null || WorkflowStateMachine.isFinalWorkflow(workflow.status())) {
            return Pass.UNCHANGED;
        }
        List<WorkflowJob> jobs = store.pipelines().workflowJobs(workflow.id());
        Map<String, WorkflowJob> byId = new LinkedHashMap<>();
        Map<String, List<NodeJob>> nodes = new LinkedHashMap<>();
        List<WorkflowStateMachine.JobView> views = new ArrayList<>();
        for (WorkflowJob job : jobs) {
            byId.put(job.id(), job);
            JobStatus status = JobStatus.of(job.status());
            List<JobStatus> nodeStatuses = new ArrayList<>();
            if (status == JobStatus.QUEUED || status == JobStatus.RUNNING) {
                List<NodeJob> running = store.pipelines().nodes(job.id());
                nodes.put(job.id(), running);
                running.forEach(node -> nodeStatuses.add(JobStatus.of(node.job().state())));
            }
            views.add(new WorkflowStateMachine.JobView(job.id(), job.name(), job.type().equals("approval"), status,
                    requires(job.requires()), nodeStatuses));
        }
        WorkflowStateMachine.Decision decision = WorkflowStateMachine.decide(views, workflow.cancelRequested());
        long now = clock.millis();
        boolean changed = false;
        for (WorkflowStateMachine.Change change : decision.changes()) {
            String reason = change.reason();
            if (reason == null && change.status().isFinal() && nodes.containsKey(change.jobId())) {
                reason = nodes.get(change.jobId()).stream().map(node -> node.job().reason())
                        .filter(r -> r != null && !r.isBlank()).findFirst().orElse(null);
            }
            if (!store.pipelines().updateWorkflowJob(change.jobId(), byId.get(change.jobId()).status(),
                    change.status().wire(), reason, change.status() == JobStatus.RUNNING || change.status().isFinal()
                            && nodes.containsKey(change.jobId()) ? now : null,
                    change.status().isFinal() ? now : null)) {
                return Pass.CHANGED; // changed meanwhile: decide again
            }
            changed = true;
        }
        for (String jobId : decision.cancel()) {
            for (NodeJob node : nodes.getOrDefault(jobId, List.of())) {
                if (!node.job().state().isFinal() && !node.job().cancelRequested()) {
                    queue.cancel(node.job().id());
                    changed = true;
                }
            }
        }
        boolean queued = false;
        for (String jobId : decision.ready()) {
            Start started = start(workflow, byId.get(jobId), now);
            if (started == Start.STALE) {
                return queued ? Pass.QUEUED : Pass.CHANGED;
            }
            changed |= started != Start.WAITING;
            queued |= started == Start.QUEUED;
        }
        if (!decision.workflowStatus().equals(workflow.status())) {
            // decided on the cancel flag as read: a cancel asked meanwhile makes this fail, and the next pass decides
            if (!store.pipelines().updateWorkflow(workflow.id(), workflow.status(), workflow.cancelRequested(),
                    decision.workflowStatus(), decision.workflowFinal() ? now : null)) {
                return queued ? Pass.QUEUED : Pass.CHANGED;
            }
            LOG.info("workflow {} ({}): {}", workflow.name(), workflow.id(), decision.workflowStatus());
            if (decision.workflowStatus().equals("failed") && workflow.autoRerunsLeft() > 0) {
                autoRerun(workflow, now);
            }
            changed = true;
        }
        return queued ? Pass.QUEUED : changed ? Pass.CHANGED : Pass.UNCHANGED;
    }

    /**
     * {@code max_auto_reruns}: a failed workflow is rerun from failed on its own, as CircleCI does, with one rerun
     * less left. A canceled one is not (it did not fail), nor one that someone reran meanwhile.
     */
    private void autoRerun(Workflow failed, long now) {
        List<WorkflowJob> ended = store.pipelines().workflowJobs(failed.id());
        try {
            Workflow rerun = store.pipelines().createWorkflow(failed.pipelineId(), failed.name(), failed.id(),
                    failed.autoRerunsLeft() - 1, WorkflowActions.rerunJobs(failed, ended, true, null), now);
            LOG.info("workflow {} ({}) failed: rerun from failed on its own as {} ({} automatic rerun(s) left)",
                    failed.name(), failed.id(), rerun.id(), rerun.autoRerunsLeft());
            wake(); // the new workflow is driven by the next pass, at once
        } catch (dev.runway.server.store.StoreRefusal refused) {
            LOG.info("workflow {} ({}) failed and is not rerun on its own: {}", failed.name(), failed.id(),
                    refused.getMessage());
        }
    }

    /** What {@link #start} did: queued the job, failed it, waited for its serial group, or found it changed. */
    private enum Start { QUEUED, DONE, WAITING, STALE }

    /** Queues a ready job's nodes (or fails it at once when it cannot run). */
    private Start start(Workflow workflow, WorkflowJob job, long now) {
        if (job.serialGroup() != null && store.pipelines().serialGroupBusy(job.serialGroup())) {
            return Start.WAITING;
        }
        JobSpec spec = JobSpec.fromJson(job.spec());
        if (spec.failure() != null) {
            return failAtOnce(job, spec.failure(), now);
        }
        int slash = spec.resourceClass().indexOf('/');
        Optional<ResourceClass> rc = store.management().resourceClassByName(spec.resourceClass().substring(0, slash),
                spec.resourceClass().substring(slash + 1));
        if (rc.isEmpty()) {
            return failAtOnce(job, "resource class " + spec.resourceClass() + " does not exist", now);
        }
        Pipeline pipeline = store.pipelines().pipeline(workflow.pipelineId()).orElseThrow();
        Project project = store.pipelines().project(pipeline.projectId()).orElseThrow();
        Checkout checkout = new Checkout(project.repositoryUrl(), pipeline.revision(), pipeline.branch());
        Map<String, String> secrets;
        try {
            secrets = JobSecrets.of(store, project, spec.contexts());
        } catch (IllegalArgumentException e) {
            return failAtOnce(job, e.getMessage(), now);
        }
        if (PipelineTriggers.SETUP.equals(pipeline.state())) {
            // a setup job continues the pipeline with this key; as a secret, the job's output masks it
            Optional<String> key = store.triggers().continuationKey(pipeline.id());
            if (key.isPresent()) {
                secrets.put(Continuations.VARIABLE, key.get());
            }
        }
        List<NodeSpec> specs = new ArrayList<>();
        for (int node = 0; node < job.parallelism(); node++) {
            Map<String, String> environment = new LinkedHashMap<>(circleVariables(project, pipeline, workflow, job,
                    node));
            environment.putAll(spec.environment());
            specs.add(new NodeSpec(rc.get().id(), rc.get().fullName(), job.name(),
                    queue.definition(spec.steps(), environment, JobSecrets.under(secrets, environment), checkout),
                    spec.maxRunTimeSeconds(), queue.secretsKey()));
        }
        List<Job> queued = store.pipelines().queue(job.id(), specs, now);
        if (queued.isEmpty()) {
            return Start.STALE; // canceled or started meanwhile
        }
        LOG.info("workflow {} job {}: queued {} task(s) on {} (job #{})", workflow.name(), job.name(), queued.size(),
                rc.get().fullName(), queued.get(0).buildNum());
        queue.queued(rc.get().id());
        return Start.QUEUED;
    }

    private Start failAtOnce(WorkflowJob job, String reason, long now) {
        return store.pipelines().updateWorkflowJob(job.id(), job.status(), JobStatus.FAILED.wire(), reason, now, now)
                ? Start.DONE : Start.STALE;
    }

    /** CircleCI's built-in variables a job sees (the task agent adds CIRCLE_JOB, CIRCLE_BUILD_NUM, CIRCLE_SHA1...). */
    static Map<String, String> circleVariables(Project project, Pipeline pipeline, Workflow workflow,
            WorkflowJob job, int node) {
        Map<String, String> env = new LinkedHashMap<>();
        String[] slug = project.slug().split("/", 3);
        env.put("CIRCLE_PROJECT_USERNAME", slug.length > 1 ? slug[1] : "");
        env.put("CIRCLE_PROJECT_REPONAME", project.name());
        env.put("CIRCLE_REPOSITORY_URL", project.repositoryUrl());
        env.put("CIRCLE_BRANCH", pipeline.branch() == null ? "" : pipeline.branch());
        if (pipeline.tag() != null) {
            env.put("CIRCLE_TAG", pipeline.tag());
        }
        env.put("CIRCLE_SHA1", pipeline.revision());
        env.put("CIRCLE_PIPELINE_ID", pipeline.id());
        env.put("CIRCLE_WORKFLOW_ID", workflow.id());
        env.put("CIRCLE_WORKFLOW_WORKSPACE_ID", workflow.rerunOf() == null ? workflow.id() : workflow.rerunOf());
        env.put("CIRCLE_WORKFLOW_JOB_ID", job.id());
        env.put("CIRCLE_USERNAME", pipeline.actor());
        env.put("CIRCLE_NODE_INDEX", Integer.toString(node));
        env.put("CIRCLE_NODE_TOTAL", Integer.toString(job.parallelism()));
        env.put("CIRCLE_PULL_REQUEST", "");
        env.put("CIRCLE_PULL_REQUESTS", "");
        return env;
    }

    @SuppressWarnings("unchecked")
    static Map<String, List<String>> requires(String json) {
        try {
            return Json.mapper().readValue(json.getBytes(StandardCharsets.UTF_8), LinkedHashMap.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("stored requires are unreadable", e);
        }
    }

    @Override
    public void close() {
        // no interrupt while a pass runs: an interrupt during a store write closes H2's file channel for good
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
