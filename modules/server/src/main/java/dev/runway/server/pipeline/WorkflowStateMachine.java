package dev.runway.server.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One workflow's next step, without side effects: given each job's status (a running job's from its nodes'), which
 * jobs change status, which become ready to queue, which must be canceled, and the workflow's status. A job leaves
 * {@code blocked} once every job it requires has ended: ready (an approval job goes {@code on_hold}) when each ended
 * in a status its requirement accepts, else {@code not_run}.
 */
public final class WorkflowStateMachine {
    private WorkflowStateMachine() {}

    /**
     * A job as the scheduler sees it. {@code requires}: required job name to accepted words (success, failed,
     * canceled, not_run, terminal). {@code nodes}: for a queued or running job, its nodes' statuses (else empty).
     */
    public record JobView(String id, String name, boolean approval, JobStatus status,
            Map<String, List<String>> requires, List<JobStatus> nodes) {}

    /** A status change of a job, with the reason a person reads. */
    public record Change(String jobId, JobStatus status, String reason) {}

    /** What to do: status changes, jobs to queue, queued or running jobs to cancel, the workflow's status. */
    public record Decision(List<Change> changes, List<String> ready, List<String> cancel, String workflowStatus) {
        public boolean workflowFinal() {
            return isFinalWorkflow(workflowStatus);
        }
    }

    public static boolean isFinalWorkflow(String status) {
        return switch (status) {
            case "success", "failed", "error", "canceled", "not_run", "unauthorized" -> true;
            default -> false;
        };
    }

    public static Decision decide(List<JobView> jobs, boolean cancelRequested) {
        Map<String, JobStatus> status = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        List<String> ready = new ArrayList<>();
        List<String> cancel = new ArrayList<>();
        for (JobView job : jobs) {
            JobStatus now = job.status();
            if ((now == JobStatus.QUEUED || now == JobStatus.RUNNING) && !job.nodes().isEmpty()) {
                JobStatus derived = fromNodes(job.nodes());
                if (derived != now) {
                    changes.add(new Change(job.id(), derived, null));
                    now = derived;
                }
            }
            status.put(job.name(), now);
        }
        if (cancelRequested) {
            for (JobView job : jobs) {
                JobStatus now = status.get(job.name());
                if (now == JobStatus.BLOCKED || now == JobStatus.ON_HOLD) {
                    changes.add(new Change(job.id(), JobStatus.CANCELED, "the workflow was canceled"));
                    status.put(job.name(), JobStatus.CANCELED);
                } else if (now == JobStatus.QUEUED || now == JobStatus.RUNNING) {
                    cancel.add(job.id());
                }
            }
        } else {
            // a job decided now can unblock a later one in the same pass (jobs are in config order, not topological)
            boolean moved = true;
            while (moved) {
                moved = false;
                for (JobView job : jobs) {
                    if (status.get(job.name()) != JobStatus.BLOCKED || ready.contains(job.id())) {
                        continue;
                    }
                    Verdict verdict = requirements(job, status);
                    if (verdict == Verdict.WAIT) {
                        continue;
                    }
                    if (verdict == Verdict.NOT_RUN) {
                        changes.add(new Change(job.id(), JobStatus.NOT_RUN, "a required job did not end in a status"
                                + " its requirement accepts"));
                        status.put(job.name(), JobStatus.NOT_RUN);
                        moved = true;
                    } else if (job.approval()) {
                        changes.add(new Change(job.id(), JobStatus.ON_HOLD, null));
                        status.put(job.name(), JobStatus.ON_HOLD);
                        moved = true;
                    } else {
                        ready.add(job.id());
                    }
                }
            }
        }
        return new Decision(changes, ready, cancel, workflowStatus(status.values(), cancelRequested,
                !ready.isEmpty()));
    }

    private enum Verdict { WAIT, READY, NOT_RUN }

    private static Verdict requirements(JobView job, Map<String, JobStatus> status) {
        boolean accepted = true;
        for (Map.Entry<String, List<String>> requirement : job.requires().entrySet()) {
            JobStatus required = status.get(requirement.getKey());
            if (required == null) {
                // the compiler checks names; a job missing here cannot end, so neither can this one run
                return Verdict.NOT_RUN;
            }
            if (!required.isFinal()) {
                return Verdict.WAIT;
            }
            List<String> words = requirement.getValue();
            if (!words.contains("terminal") && !words.contains(required.requirementWord())) {
                accepted = false;
            }
        }
        return accepted ? Verdict.READY : Verdict.NOT_RUN;
    }

    /** A job of several nodes: running while any runs; then failed, infrastructure_fail, canceled, else success. */
    static JobStatus fromNodes(List<JobStatus> nodes) {
        if (nodes.stream().anyMatch(s -> !s.isFinal())) {
            return nodes.contains(JobStatus.RUNNING) || nodes.stream().anyMatch(JobStatus::isFinal)
                    ? JobStatus.RUNNING : JobStatus.QUEUED;
        }
        for (JobStatus worst : List.of(JobStatus.FAILED, JobStatus.TIMEDOUT, JobStatus.INFRASTRUCTURE_FAIL,
                JobStatus.CANCELED)) {
            if (nodes.contains(worst)) {
                return worst;
            }
        }
        return JobStatus.SUCCESS;
    }

    private static String workflowStatus(java.util.Collection<JobStatus> statuses, boolean cancelRequested,
            boolean anyReady) {
        boolean anyFailed = statuses.stream().anyMatch(s -> s.isFinal() && s.requirementWord().equals("failed"));
        // a blocked job that is not ready waits for a job on hold (or for one that does)
        boolean active = anyReady || statuses.stream().anyMatch(s -> s == JobStatus.QUEUED || s == JobStatus.RUNNING);
        if (active) {
            return anyFailed ? "failing" : "running";
        }
        if (statuses.contains(JobStatus.ON_HOLD)) {
            return "on_hold";
        }
        if (statuses.contains(JobStatus.BLOCKED)) {
            return "running";
        }
        if (cancelRequested || statuses.contains(JobStatus.CANCELED)) {
            return anyFailed && !cancelRequested ? "failed" : "canceled";
        }
        if (anyFailed) {
            return "failed";
        }
        if (!statuses.isEmpty() && statuses.stream().allMatch(s -> s == JobStatus.NOT_RUN)) {
            return "not_run";
        }
        return "success";
    }
}
