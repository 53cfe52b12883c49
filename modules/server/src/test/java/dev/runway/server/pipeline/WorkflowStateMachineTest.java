package dev.runway.server.pipeline;

import static dev.runway.server.pipeline.JobStatus.BLOCKED;
import static dev.runway.server.pipeline.JobStatus.CANCELED;
import static dev.runway.server.pipeline.JobStatus.FAILED;
import static dev.runway.server.pipeline.JobStatus.INFRASTRUCTURE_FAIL;
import static dev.runway.server.pipeline.JobStatus.NOT_RUN;
import static dev.runway.server.pipeline.JobStatus.ON_HOLD;
import static dev.runway.server.pipeline.JobStatus.QUEUED;
import static dev.runway.server.pipeline.JobStatus.RUNNING;
import static dev.runway.server.pipeline.JobStatus.SUCCESS;
import static dev.runway.server.pipeline.JobStatus.TIMEDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.pipeline.WorkflowStateMachine.Change;
import dev.runway.server.pipeline.WorkflowStateMachine.Decision;
import dev.runway.server.pipeline.WorkflowStateMachine.JobView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowStateMachineTest {

    private static JobView job(String name, JobStatus status, Object... requires) {
        return node(name, false, status, List.of(), requires);
    }

    private static JobView node(String name, boolean approval, JobStatus status, List<JobStatus> nodes,
            Object... requires) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < requires.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> statuses = (List<String>) requires[i + 1];
            map.put((String) requires[i], statuses);
        }
        return new JobView(name, name, approval, status, map, nodes);
    }

    private static final List<String> OK = List.of("success");

    @Test
    void jobsWithoutRequirementsAreReadyAndTheWorkflowRuns() {
        Decision decision = WorkflowStateMachine.decide(List.of(job("a", BLOCKED), job("b", BLOCKED, "a", OK)),
                false);
        assertThat(decision.ready()).containsExactly("a");
        assertThat(decision.changes()).isEmpty();
        assertThat(decision.workflowStatus()).isEqualTo("running");
    }

    @Test
    void aTimedOutJobCountsAsFailedAsOnCircleCi() {
        // a node that timed out makes its job timedout; requires [x: failed] accepts it; the workflow fails
        List<JobView> jobs = List.of(node("x", false, RUNNING, List.of(SUCCESS, TIMEDOUT)),
                job("on-fail", BLOCKED, "x", List.of("failed")), job("on-ok", BLOCKED, "x", OK));
        Decision decision = WorkflowStateMachine.decide(jobs, false);
        assertThat(decision.changes()).contains(new Change("x", TIMEDOUT, null));
        assertThat(decision.ready()).containsExactly("on-fail");
        assertThat(decision.workflowStatus()).isEqualTo("failing");
        jobs = List.of(job("x", TIMEDOUT), job("on-fail", SUCCESS, "x", List.of("failed")),
                job("on-ok", NOT_RUN, "x", OK));
        assertThat(WorkflowStateMachine.decide(jobs, false).workflowStatus()).isEqualTo("failed");
    }

    @Test
    void fanInWaitsForEveryRequiredJob() {
        List<JobView> jobs = List.of(job("a", SUCCESS), job("b", RUNNING), job("c", BLOCKED, "a", OK, "b", OK));
        assertThat(WorkflowStateMachine.decide(jobs, false).ready()).isEmpty();
        jobs = List.of(job("a", SUCCESS), job("b", SUCCESS), job("c", BLOCKED, "a", OK, "b", OK));
        assertThat(WorkflowStateMachine.decide(jobs, false).ready()).containsExactly("c");
    }

    @Test
    void aFailedRequirementMakesItsFollowersNotRunUnlessTheyAcceptFailure() {
        List<JobView> jobs = List.of(job("x", FAILED), job("on-fail", BLOCKED, "x", List.of("failed")),
                job("on-ok", BLOCKED, "x", OK), job("after", BLOCKED, "on-ok", OK),
                job("any", BLOCKED, "x", List.of("terminal")));
        Decision decision = WorkflowStateMachine.decide(jobs, false);
        assertThat(decision.ready()).containsExactly("on-fail", "any");
        assertThat(decision.changes()).extracting(Change::jobId, Change::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("on-ok", NOT_RUN),
                        org.assertj.core.groups.Tuple.tuple("after", NOT_RUN));
        assertThat(decision.workflowStatus()).isEqualTo("failing");
    }

    @Test
    void infrastructureFailuresCountAsFailedForRequirements() {
        Decision decision = WorkflowStateMachine.decide(List.of(job("x", INFRASTRUCTURE_FAIL),
                job("y", BLOCKED, "x", List.of("failed"))), false);
        assertThat(decision.ready()).containsExactly("y");
    }

    @Test
    void approvalsHoldAndTheWorkflowIsOnHold() {
        Decision decision = WorkflowStateMachine.decide(List.of(job("a", SUCCESS),
                node("hold", true, BLOCKED, List.of(), "a", OK), job("deploy", BLOCKED, "hold", OK)), false);
        assertThat(decision.changes()).extracting(Change::status).containsExactly(ON_HOLD);
        assertThat(decision.ready()).isEmpty();
        assertThat(decision.workflowStatus()).isEqualTo("on_hold");
    }

    @Test
    void aRunningJobsStatusComesFromItsNodes() {
        Decision running = WorkflowStateMachine.decide(List.of(node("p", false, QUEUED, List.of(RUNNING, QUEUED))),
                false);
        assertThat(running.changes()).extracting(Change::status).containsExactly(RUNNING);
        Decision failed = WorkflowStateMachine.decide(List.of(node("p", false, RUNNING, List.of(SUCCESS, FAILED))),
                false);
        assertThat(failed.changes()).extracting(Change::status).containsExactly(FAILED);
        assertThat(failed.workflowStatus()).isEqualTo("failed");
        Decision ok = WorkflowStateMachine.decide(List.of(node("p", false, RUNNING, List.of(SUCCESS, SUCCESS))),
                false);
        assertThat(ok.workflowStatus()).isEqualTo("success");
    }

    @Test
    void cancelEndsWaitingJobsAndCancelsRunningOnes() {
        Decision decision = WorkflowStateMachine.decide(List.of(node("r", false, RUNNING, List.of(RUNNING)),
                job("w", BLOCKED, "r", OK), node("h", true, ON_HOLD, List.of())), true);
        assertThat(decision.cancel()).containsExactly("r");
        assertThat(decision.ready()).isEmpty();
        assertThat(decision.changes()).extracting(Change::jobId).containsExactly("w", "h");
        assertThat(decision.workflowStatus()).isEqualTo("running");
        Decision after = WorkflowStateMachine.decide(List.of(node("r", false, RUNNING, List.of(CANCELED)),
                job("w", CANCELED), job("h", CANCELED)), true);
        assertThat(after.workflowStatus()).isEqualTo("canceled");
    }

    @Test
    void onlyNotRunJobsEndNotRun() {
        assertThat(WorkflowStateMachine.decide(List.of(job("f", NOT_RUN)), false).workflowStatus())
                .isEqualTo("not_run");
        assertThat(WorkflowStateMachine.decide(List.of(job("f", NOT_RUN), job("g", SUCCESS)), false)
                .workflowStatus()).isEqualTo("success");
    }
}
