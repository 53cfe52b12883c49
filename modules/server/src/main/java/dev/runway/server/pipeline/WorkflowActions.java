package dev.runway.server.pipeline;

import dev.runway.server.store.NodeJob;
import dev.runway.server.store.PipelineRepository.NewWorkflowJob;
import dev.runway.server.store.Store;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a person does to a workflow: cancel it or one job, approve an approval job on hold, rerun it from the start,
 * from its failed jobs, or from chosen jobs. Each changes the store and wakes the scheduler, which does the rest.
 * Invalid actions throw {@link IllegalArgumentException} (the API's 400) or {@link StoreRefusal} NOT_FOUND.
 */
public final class WorkflowActions {
    private final Store store;
    private final JobQueue queue;
    private final Runnable wake;
    private final Clock clock;

    public WorkflowActions(Store store, JobQueue queue, Runnable wake, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.wake = wake;
        this.clock = clock;
    }

    public Workflow workflow(String id) {
        return store.pipelines().workflow(id).orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND,
                "Workflow not found"));
    }

    /** Flags the workflow canceled: jobs not started end canceled, running ones get their task's cancel. */
    public void cancel(String workflowId, String by) {
        workflow(workflowId);
        store.pipelines().requestCancel(workflowId, by, clock.millis());
        wake.run();
    }

    /** Cancels one job: a job not yet queued ends canceled, a queued or running one's tasks are canceled. */
    public void cancelJob(WorkflowJob job) {
        JobStatus status = JobStatus.of(job.status());
        if (status == JobStatus.BLOCKED || status == JobStatus.ON_HOLD) {
            long now = clock.millis();
            if (!store.pipelines().updateWorkflowJob(job.id(), job.status(), JobStatus.CANCELED.wire(), "canceled",
                    null, now)) {
                // queued, approved or ended meanwhile: decide on what it is now
                cancelJob(store.pipelines().workflowJob(job.id()).orElseThrow());
                return;
            }
        } else if (status == JobStatus.QUEUED || status == JobStatus.RUNNING) {
            for (NodeJob node : store.pipelines().nodes(job.id())) {
                queue.cancel(node.job().id());
            }
        }
        wake.run();
    }

    /** Approves the approval job {@code approvalRequestId} of the workflow, which must be on hold. */
    public void approve(String workflowId, String approvalRequestId, String by) {
        workflow(workflowId);
        WorkflowJob job = store.pipelines().workflowJob(approvalRequestId)
                .filter(j -> j.workflowId().equals(workflowId) && j.type().equals("approval"))
                .orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND, "Approval job not found"));
        if (!store.pipelines().approve(job.id(), by, clock.millis())) {
            Workflow now = workflow(workflowId);
            if (now.cancelRequested()) {
                throw new IllegalArgumentException("workflow " + now.name() + " was canceled: its approval job "
                        + job.name() + " can no longer be approved");
            }
            String status = store.pipelines().workflowJob(job.id()).map(WorkflowJob::status).orElse(job.status());
            throw new IllegalArgumentException("job " + job.name() + " is " + status + ", not on_hold: only a"
                    + " job on hold can be approved");
        }
        wake.run();
    }

    /**
     * A new workflow of the same pipeline and name that runs again: every job ({@code fromFailed} false and no
     * {@code jobIds}), the jobs that did not succeed ({@code fromFailed}), or the jobs named; each with every job that
     * requires it. The others keep their success. Answers the new workflow.
     */
    public Workflow rerun(String workflowId, boolean fromFailed, List<String> jobIds) {
        Workflow old = workflow(workflowId);
        if (!WorkflowStateMachine.isFinalWorkflow(old.status())) {
            throw new IllegalArgumentException("workflow " + old.name() + " is " + old.status()
                    + ": rerun it once it has ended (or cancel it first)");
        }
        List<NewWorkflowJob> copies = rerunJobs(old, store.pipelines().workflowJobs(workflowId), fromFailed, jobIds);
        Workflow rerun = store.pipelines().createWorkflow(old.pipelineId(), old.name(), old.id(),
                old.autoRerunsLeft(), copies, clock.millis());
        wake.run();
        return rerun;
    }

    /**
     * The jobs of a rerun of {@code old}: every job ({@code fromFailed} false and no {@code jobIds}), the jobs that
     * did not succeed ({@code fromFailed}), or the jobs named; each with every job that requires it, blocked again.
     * The others keep their status. Jobs its filters left out stay out.
     */
    static List<NewWorkflowJob> rerunJobs(Workflow old, List<WorkflowJob> jobs, boolean fromFailed,
            List<String> jobIds) {
        if (fromFailed && jobIds != null && !jobIds.isEmpty()) {
            throw new IllegalArgumentException("from_failed and jobs: give one of them, not both");
        }
        Set<String> again = new HashSet<>();
        for (WorkflowJob job : jobs) {
            boolean filtered = JobStatus.of(job.status()) == JobStatus.NOT_RUN && job.reason() != null
                    && job.reason().startsWith("its filters");
            if (filtered) {
                continue;
            }
            if (jobIds != null && !jobIds.isEmpty()) {
                if (jobIds.contains(job.id())) {
                    again.add(job.name());
                }
            } else if (!fromFailed || JobStatus.of(job.status()) != JobStatus.SUCCESS) {
                again.add(job.name());
            }
        }
        if (jobIds != null) {
            for (String id : jobIds) {
                if (jobs.stream().noneMatch(job -> job.id().equals(id))) {
                    throw new IllegalArgumentException("jobs: " + id + " is not a job of workflow " + old.name());
                }
            }
        }
        // with every job that requires one that runs again
        boolean grew = true;
        while (grew) {
            grew = false;
            for (WorkflowJob job : jobs) {
                if (!again.contains(job.name()) && PipelineScheduler.requires(job.requires()).keySet().stream()
                        .anyMatch(again::contains)) {
                    again.add(job.name());
                    grew = true;
                }
            }
        }
        List<NewWorkflowJob> copies = new ArrayList<>();
        for (WorkflowJob job : jobs) {
            boolean runs = again.contains(job.name());
            copies.add(new NewWorkflowJob(job.name(), job.type(), runs ? JobStatus.BLOCKED.wire() : job.status(),
                    job.requires(), job.spec(), job.resourceClass(), job.parallelism(), job.serialGroup(),
                    runs ? null : job.reason(), runs ? null : job.jobNumber()));
        }
        return copies;
    }

    /** The requires of a job by the ids of the jobs required, for the API's {@code requires} field. */
    public static Map<String, List<String>> requires(WorkflowJob job) {
        return PipelineScheduler.requires(job.requires());
    }
}
