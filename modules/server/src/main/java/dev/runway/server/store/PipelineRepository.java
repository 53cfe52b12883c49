package dev.runway.server.store;

import java.util.List;
import java.util.Optional;

/** Projects, their pipelines, workflows and workflow jobs; a running workflow job's tasks are ordinary jobs. */
public interface PipelineRepository {
    /** Refused ({@link StoreRefusal.Reason#CONFLICT}) when the slug is taken. */
    Project createProject(Project project);

    /** By id or by slug. */
    Optional<Project> project(String idOrSlug);

    /** Every project, by slug; {@code namespace} null for all. */
    List<Project> projects(String namespace);

    /** Deletes the project with its pipelines, workflows and workflow jobs; false when there was none. */
    boolean deleteProject(String id);

    /** A new pipeline of the project with the next number (1, 2, ...), in state {@code created}. */
    Pipeline createPipeline(String projectId, String triggerType, String actor, String branch, String tag,
            String revision, String parameters, long now);

    /** Records the outcome of reading and compiling the config. */
    Pipeline updatePipeline(String id, String state, String errors, String config, String compiled, long now);

    Optional<Pipeline> pipeline(String id);

    Optional<Pipeline> pipelineByNumber(String projectId, long number);

    /** Newest first, numbers below {@code beforeNumber} (0: from the newest); {@code branch} null for all. */
    List<Pipeline> pipelines(String projectId, String branch, long beforeNumber, int limit);

    /** A workflow job to create: index, name, type, requires (JSON), spec (JSON), class, parallelism, group. */
    record NewWorkflowJob(String name, String type, String status, String requires, String spec,
            String resourceClass, int parallelism, String serialGroup, String reason, Long jobNumber) {}

    /**
     * Creates a workflow and its jobs in one transaction; status {@code running} until the scheduler looks. A rerun
     * ({@code rerunOf} set) is refused ({@link StoreRefusal.Reason#CONFLICT}) unless the workflow it reruns has ended
     * and no other run of that workflow is active: two reruns asked at once create one.
     */
    Workflow createWorkflow(String pipelineId, String name, String rerunOf, int autoRerunsLeft,
            List<NewWorkflowJob> jobs, long now);

    Optional<Workflow> workflow(String id);

    /** The pipeline's workflows, oldest first. */
    List<Workflow> workflows(String pipelineId);

    /** Workflows not yet in a final status, oldest first: what the scheduler drives. */
    List<Workflow> activeWorkflows();

    /**
     * Sets the workflow's status if it is still {@code expected} and its cancel flag still {@code cancelRequested}
     * (a compare-and-set on what the status was decided from); false when either changed.
     */
    boolean updateWorkflow(String id, String expected, boolean cancelRequested, String status, Long stoppedAt);

    /** Flags a cancel; answers the workflow as it is now. */
    Workflow requestCancel(String workflowId, String by, long now);

    List<WorkflowJob> workflowJobs(String workflowId);

    Optional<WorkflowJob> workflowJob(String id);

    /** The workflow job of a project whose job number is {@code number}. */
    Optional<WorkflowJob> workflowJobByNumber(String projectId, long number);

    /** The project of a workflow (through its pipeline). */
    Optional<Project> projectOfWorkflow(String workflowId);

    /** The nodes of a running workflow job and their jobs, by node index. */
    List<NodeJob> nodes(String workflowJobId);

    /**
     * Sets a workflow job's status (and when it started or stopped, kept when null) if it is still {@code expected}:
     * a compare-and-set, so a decision made on what was read never overwrites a change made meanwhile (an approval,
     * a cancel). False when the status was no longer {@code expected}.
     */
    boolean updateWorkflowJob(String id, String expected, String status, String reason, Long startedAt,
            Long stoppedAt);

    /**
     * Approves an approval job that is on hold in a workflow whose cancel was not asked: it succeeds. False when it
     * was not on hold or the workflow is being canceled (an approval racing a cancel: one of them wins, whole).
     */
    boolean approve(String workflowJobId, String by, long now);

    /**
     * One job per node to queue: the class, the name and the definition the runner gets; {@code secretsKey} the id
     * of the key that sealed the definition's secrets.
     */
    record NodeSpec(String resourceClassId, String resourceClass, String name, String definition,
            long maxRunTimeSeconds, String secretsKey) {}

    /**
     * Queues the workflow job: one job per node, linked to it, status {@code queued}, its job number the first
     * node's build number, in one transaction (a crash leaves either all or nothing). Answers the jobs; none when
     * the workflow job was no longer {@code blocked} or its workflow is being canceled.
     */
    List<Job> queue(String workflowJobId, List<NodeSpec> nodes, long now);

    /** Whether a job of the serial group is queued or running (in any workflow). */
    boolean serialGroupBusy(String group);
}
