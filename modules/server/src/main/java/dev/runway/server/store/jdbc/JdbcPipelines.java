package dev.runway.server.store.jdbc;

import dev.runway.server.store.Job;
import dev.runway.server.store.NodeJob;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.PipelineRepository;
import dev.runway.server.store.Project;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.WorkflowJob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The projects, pipelines, workflows, workflow_jobs and workflow_job_nodes tables. */
final class JdbcPipelines implements PipelineRepository {
    /** Workflow statuses after which nothing changes any more. */
    private static final String FINAL_WORKFLOW = "('success', 'failed', 'error', 'canceled', 'not_run',"
            + " 'unauthorized')";
    private final Database db;
    private final JdbcJobs jobs;

    JdbcPipelines(Database db, JdbcJobs jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    @Override
    public Project createProject(Project project) {
        return db.tx(() -> {
            db.update("INSERT INTO projects (id, slug, name, namespace, repository_url, default_branch, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)", project.id(), project.slug(), project.name(),
                    project.namespace(), project.repositoryUrl(), project.defaultBranch(), project.createdAt());
            return project;
        });
    }

    @Override
    public Optional<Project> project(String idOrSlug) {
        return db.tx(() -> db.one(JdbcPipelines::project, "SELECT * FROM projects WHERE id = ? OR slug = ?",
                idOrSlug, idOrSlug));
    }

    @Override
    public List<Project> projects(String namespace) {
        return db.tx(() -> db.query(JdbcPipelines::project, "SELECT * FROM projects WHERE (CAST(? AS VARCHAR)"
                + " IS NULL OR namespace = ?) ORDER BY slug", namespace, namespace));
    }

    @Override
    public boolean deleteProject(String id) {
        return db.tx(() -> {
            String pipelines = "SELECT id FROM pipelines WHERE project_id = ?";
            String workflows = "SELECT id FROM workflows WHERE pipeline_id IN (" + pipelines + ")";
            db.update("DELETE FROM test_results WHERE job_id IN (SELECT job_id FROM workflow_job_nodes WHERE"
                    + " workflow_job_id IN (SELECT id FROM workflow_jobs WHERE workflow_id IN (" + workflows + ")))",
                    id);
            db.update("DELETE FROM workflow_job_nodes WHERE workflow_job_id IN (SELECT id FROM workflow_jobs"
                    + " WHERE workflow_id IN (" + workflows + "))", id);
            db.update("DELETE FROM workflow_jobs WHERE workflow_id IN (" + workflows + ")", id);
            db.update("DELETE FROM workflows WHERE pipeline_id IN (" + pipelines + ")", id);
            db.update("DELETE FROM pipeline_continuations WHERE pipeline_id IN (" + pipelines + ")", id);
            db.update("DELETE FROM pipelines WHERE project_id = ?", id);
            db.update("DELETE FROM webhook_secrets WHERE project_id = ?", id);
            db.update("DELETE FROM webhook_deliveries WHERE project_id = ?", id);
            db.update("DELETE FROM project_variables WHERE project_id = ?", id);
            db.update("DELETE FROM project_ssh_keys WHERE project_id = ?", id);
            db.update("DELETE FROM project_polls WHERE project_id = ?", id);
            db.update("DELETE FROM poll_heads WHERE project_id = ?", id);
            db.update("DELETE FROM schedules WHERE project_id = ?", id);
            return db.update("DELETE FROM projects WHERE id = ?", id) > 0;
        });
    }

    @Override
    public Pipeline createPipeline(String projectId, String triggerType, String actor, String branch, String tag,
            String revision, String parameters, long now) {
        return db.tx(() -> {
            long number = db.one(row -> row.getLong(1), "SELECT COALESCE(MAX(number), 0) + 1 FROM pipelines"
                    + " WHERE project_id = ?", projectId).orElse(1L);
            String id = UUID.randomUUID().toString();
            db.update("INSERT INTO pipelines (id, project_id, number, state, trigger_type, actor, branch, tag,"
                    + " revision, parameters, errors, created_at, updated_at) VALUES (?, ?, ?, 'created', ?, ?, ?,"
                    + " ?, ?, ?, '[]', ?, ?)", id, projectId, number, triggerType, actor, branch, tag, revision,
                    parameters, now, now);
            return pipelineById(id).orElseThrow();
        });
    }

    @Override
    public Pipeline updatePipeline(String id, String state, String errors, String config, String compiled,
            long now) {
        return db.tx(() -> {
            db.update("UPDATE pipelines SET state = ?, errors = ?, config = ?, compiled = ?, updated_at = ?"
                    + " WHERE id = ?", state, errors, config, compiled, now, id);
            return pipelineById(id).orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND,
                    "no pipeline " + id));
        });
    }

    private Optional<Pipeline> pipelineById(String id) throws SQLException {
        return db.one(JdbcPipelines::pipeline, "SELECT * FROM pipelines WHERE id = ?", id);
    }

    @Override
    public Optional<Pipeline> pipeline(String id) {
        return db.tx(() -> pipelineById(id));
    }

    @Override
    public Optional<Pipeline> pipelineByNumber(String projectId, long number) {
        return db.tx(() -> db.one(JdbcPipelines::pipeline, "SELECT * FROM pipelines WHERE project_id = ?"
                + " AND number = ?", projectId, number));
    }

    @Override
    public List<Pipeline> pipelines(String projectId, String branch, long beforeNumber, int limit) {
        return db.tx(() -> db.query(JdbcPipelines::pipeline, "SELECT * FROM pipelines WHERE project_id = ?"
                + " AND (CAST(? AS VARCHAR) IS NULL OR branch = ?) AND (? = 0 OR number < ?) ORDER BY number DESC"
                + " LIMIT ?",
                projectId, branch, branch, beforeNumber, beforeNumber, limit));
    }

    @Override
    public Workflow createWorkflow(String pipelineId, String name, String rerunOf, int autoRerunsLeft,
            List<NewWorkflowJob> jobs, long now) {
        return db.tx(() -> {
            if (rerunOf != null) {
                refuseConcurrentRun(pipelineId, name, rerunOf);
            }
            String id = UUID.randomUUID().toString();
            db.update("INSERT INTO workflows (id, pipeline_id, name, status, cancel_requested, rerun_of,"
                    + " created_at, auto_reruns_left) VALUES (?, ?, ?, 'running', FALSE, ?, ?, ?)", id, pipelineId,
                    name, rerunOf, now, autoRerunsLeft);
            for (int i = 0; i < jobs.size(); i++) {
                NewWorkflowJob job = jobs.get(i);
                db.update("INSERT INTO workflow_jobs (id, workflow_id, idx, name, type, status, requires, spec,"
                        + " resource_class, parallelism, serial_group, reason, job_number)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), id, i,
                        job.name(), job.type(), job.status(), job.requires(), job.spec(), job.resourceClass(),
                        job.parallelism(), job.serialGroup(), job.reason(), job.jobNumber());
            }
            return workflowById(id).orElseThrow();
        });
    }

    /** Inside a transaction: the rerun workflow is locked, so of two reruns asked at once the second sees the first. */
    private void refuseConcurrentRun(String pipelineId, String name, String rerunOf) throws SQLException {
        Workflow old = db.one(JdbcPipelines::workflow, "SELECT * FROM workflows WHERE id = ? FOR UPDATE", rerunOf)
                .orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND, "Workflow not found"));
        if (!FINAL_WORKFLOW.contains("'" + old.status() + "'")) {
            throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "workflow " + name + " is " + old.status()
                    + ": rerun it once it has ended (or cancel it first)");
        }
        if (db.one(row -> row.getString(1), "SELECT id FROM workflows WHERE pipeline_id = ? AND name = ? AND status"
                + " NOT IN " + FINAL_WORKFLOW + " LIMIT 1", pipelineId, name).isPresent()) {
            throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "workflow " + name + " is being rerun already:"
                    + " rerun it again once that run has ended");
        }
    }

    private Optional<Workflow> workflowById(String id) throws SQLException {
        return db.one(JdbcPipelines::workflow, "SELECT * FROM workflows WHERE id = ?", id);
    }

    @Override
    public Optional<Workflow> workflow(String id) {
        return db.tx(() -> workflowById(id));
    }

    @Override
    public List<Workflow> workflows(String pipelineId) {
        return db.tx(() -> db.query(JdbcPipelines::workflow, "SELECT * FROM workflows WHERE pipeline_id = ?"
                + " ORDER BY created_at, name", pipelineId));
    }

    @Override
    public List<Workflow> activeWorkflows() {
        return db.tx(() -> db.query(JdbcPipelines::workflow, "SELECT * FROM workflows WHERE status NOT IN "
                + FINAL_WORKFLOW + " ORDER BY created_at"));
    }

    @Override
    public boolean updateWorkflow(String id, String expected, boolean cancelRequested, String status,
            Long stoppedAt) {
        return db.tx(() -> db.update("UPDATE workflows SET status = ?, stopped_at = ? WHERE id = ? AND status = ?"
                + " AND cancel_requested = ?", status, stoppedAt, id, expected, cancelRequested) > 0);
    }

    @Override
    public Workflow requestCancel(String workflowId, String by, long now) {
        return db.tx(() -> {
            db.update("UPDATE workflows SET cancel_requested = TRUE, canceled_by = ? WHERE id = ? AND status NOT IN "
                    + FINAL_WORKFLOW, by, workflowId);
            return workflowById(workflowId).orElseThrow(() -> new StoreRefusal(StoreRefusal.Reason.NOT_FOUND,
                    "no workflow " + workflowId));
        });
    }

    @Override
    public List<WorkflowJob> workflowJobs(String workflowId) {
        return db.tx(() -> db.query(JdbcPipelines::workflowJob, "SELECT * FROM workflow_jobs WHERE workflow_id = ?"
                + " ORDER BY idx", workflowId));
    }

    @Override
    public Optional<WorkflowJob> workflowJob(String id) {
        return db.tx(() -> db.one(JdbcPipelines::workflowJob, "SELECT * FROM workflow_jobs WHERE id = ?", id));
    }

    @Override
    public Optional<WorkflowJob> workflowJobByNumber(String projectId, long number) {
        return db.tx(() -> db.one(JdbcPipelines::workflowJob, "SELECT j.* FROM workflow_jobs j JOIN workflows w"
                + " ON w.id = j.workflow_id JOIN pipelines p ON p.id = w.pipeline_id WHERE j.job_number = ?"
                + " AND p.project_id = ?", number, projectId));
    }

    @Override
    public Optional<Project> projectOfWorkflow(String workflowId) {
        return db.tx(() -> db.one(JdbcPipelines::project, "SELECT r.* FROM projects r JOIN pipelines p"
                + " ON p.project_id = r.id JOIN workflows w ON w.pipeline_id = p.id WHERE w.id = ?", workflowId));
    }

    @Override
    public List<NodeJob> nodes(String workflowJobId) {
        return db.tx(() -> {
            List<NodeJob> nodes = new ArrayList<>();
            for (String[] link : db.query(row -> new String[] {row.getString(1), row.getString(2)},
                    "SELECT node_index, job_id FROM workflow_job_nodes WHERE workflow_job_id = ?"
                    + " ORDER BY node_index", workflowJobId)) {
                Optional<Job> job = jobs.byId(link[1]);
                if (job.isPresent()) {
                    nodes.add(new NodeJob(workflowJobId, Integer.parseInt(link[0]), job.get()));
                }
            }
            return nodes;
        });
    }

    @Override
    public boolean updateWorkflowJob(String id, String expected, String status, String reason, Long startedAt,
            Long stoppedAt) {
        return db.tx(() -> db.update("UPDATE workflow_jobs SET status = ?, reason = COALESCE(?, reason),"
                + " started_at = COALESCE(started_at, ?), stopped_at = COALESCE(?, stopped_at) WHERE id = ?"
                + " AND status = ?", status, reason, startedAt, stoppedAt, id, expected) > 0);
    }

    @Override
    public boolean approve(String workflowJobId, String by, long now) {
        return db.tx(() -> db.update("UPDATE workflow_jobs SET status = 'success', approved_by = ?,"
                + " started_at = COALESCE(started_at, ?), stopped_at = ? WHERE id = ? AND type = 'approval'"
                + " AND status = 'on_hold' AND workflow_id IN (SELECT id FROM workflows WHERE"
                + " cancel_requested = FALSE)", by, now, now, workflowJobId) > 0);
    }

    @Override
    public List<Job> queue(String workflowJobId, List<NodeSpec> nodes, long now) {
        return db.tx(() -> {
            List<Job> queued = new ArrayList<>();
            // the row is locked first: a cancel or a second queueing of the same job waits, then sees this one
            Optional<String[]> current = db.one(row -> new String[] {row.getString(1), row.getString(2)},
                    "SELECT status, workflow_id FROM workflow_jobs WHERE id = ? FOR UPDATE", workflowJobId);
            if (current.isEmpty() || !current.get()[0].equals("blocked") || db.one(row -> row.getBoolean(1),
                    "SELECT cancel_requested FROM workflows WHERE id = ?", current.get()[1]).orElse(true)) {
                return queued;
            }
            for (int i = 0; i < nodes.size(); i++) {
                NodeSpec node = nodes.get(i);
                Job job = jobs.insert(node.resourceClassId(), node.resourceClass(), node.name(), node.definition(),
                        node.secretsKey(), node.maxRunTimeSeconds(), now);
                db.update("INSERT INTO workflow_job_nodes (workflow_job_id, node_index, job_id) VALUES (?, ?, ?)",
                        workflowJobId, i, job.id());
                queued.add(job);
            }
            db.update("UPDATE workflow_jobs SET status = 'queued', queued_at = ?, job_number = ? WHERE id = ?", now,
                    queued.isEmpty() ? null : queued.get(0).buildNum(), workflowJobId);
            return queued;
        });
    }

    @Override
    public boolean serialGroupBusy(String group) {
        return db.tx(() -> db.one(row -> 1, "SELECT 1 FROM workflow_jobs WHERE serial_group = ? AND status IN"
                + " ('queued', 'running') LIMIT 1", group).isPresent());
    }

    private static Project project(ResultSet row) throws SQLException {
        return new Project(row.getString("id"), row.getString("slug"), row.getString("name"),
                row.getString("namespace"), row.getString("repository_url"), row.getString("default_branch"),
                row.getLong("created_at"));
    }

    private static Pipeline pipeline(ResultSet row) throws SQLException {
        return new Pipeline(row.getString("id"), row.getString("project_id"), row.getLong("number"),
                row.getString("state"), row.getString("trigger_type"), row.getString("actor"),
                row.getString("branch"), row.getString("tag"), row.getString("revision"),
                row.getString("parameters"), row.getString("errors"), row.getString("config"),
                row.getString("compiled"), row.getLong("created_at"), row.getLong("updated_at"));
    }

    private static Workflow workflow(ResultSet row) throws SQLException {
        return new Workflow(row.getString("id"), row.getString("pipeline_id"), row.getString("name"),
                row.getString("status"), row.getBoolean("cancel_requested"), row.getString("rerun_of"),
                row.getLong("created_at"), nullableLong(row, "stopped_at"), row.getString("canceled_by"),
                row.getInt("auto_reruns_left"));
    }

    private static WorkflowJob workflowJob(ResultSet row) throws SQLException {
        return new WorkflowJob(row.getString("id"), row.getString("workflow_id"), row.getInt("idx"),
                row.getString("name"), row.getString("type"), row.getString("status"), row.getString("requires"),
                row.getString("spec"), row.getString("resource_class"), row.getInt("parallelism"),
                row.getString("serial_group"), nullableLong(row, "job_number"), row.getString("reason"),
                row.getString("approved_by"), nullableLong(row, "queued_at"), nullableLong(row, "started_at"),
                nullableLong(row, "stopped_at"));
    }

    private static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }
}
