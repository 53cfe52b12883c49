-- Projects (a git repository in a namespace), their pipelines, the workflows of a pipeline and the jobs of a
-- workflow. A workflow job that runs is one or more rows of jobs (one per parallel node), linked by
-- workflow_job_nodes; the scheduler re-derives everything else from these tables after a restart.
CREATE TABLE IF NOT EXISTS projects (id VARCHAR PRIMARY KEY, slug VARCHAR NOT NULL UNIQUE,
  name VARCHAR NOT NULL, namespace VARCHAR NOT NULL, repository_url VARCHAR NOT NULL,
  default_branch VARCHAR NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS pipelines (id VARCHAR PRIMARY KEY, project_id VARCHAR NOT NULL,
  number BIGINT NOT NULL, state VARCHAR NOT NULL, trigger_type VARCHAR NOT NULL, actor VARCHAR NOT NULL,
  branch VARCHAR, tag VARCHAR, revision VARCHAR, parameters CLOB NOT NULL, errors CLOB NOT NULL,
  config CLOB, compiled CLOB, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  UNIQUE (project_id, number));
CREATE TABLE IF NOT EXISTS workflows (id VARCHAR PRIMARY KEY, pipeline_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL, status VARCHAR NOT NULL, cancel_requested BOOLEAN NOT NULL, rerun_of VARCHAR,
  created_at BIGINT NOT NULL, stopped_at BIGINT, canceled_by VARCHAR);
CREATE INDEX IF NOT EXISTS workflows_pipeline ON workflows (pipeline_id, created_at);
CREATE INDEX IF NOT EXISTS workflows_status ON workflows (status);
CREATE TABLE IF NOT EXISTS workflow_jobs (id VARCHAR PRIMARY KEY, workflow_id VARCHAR NOT NULL,
  idx INT NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL, status VARCHAR NOT NULL,
  requires CLOB NOT NULL, spec CLOB, resource_class VARCHAR, parallelism INT NOT NULL,
  serial_group VARCHAR, job_number BIGINT, reason VARCHAR, approved_by VARCHAR,
  queued_at BIGINT, started_at BIGINT, stopped_at BIGINT, UNIQUE (workflow_id, idx));
CREATE INDEX IF NOT EXISTS workflow_jobs_group ON workflow_jobs (serial_group, status);
CREATE INDEX IF NOT EXISTS workflow_jobs_number ON workflow_jobs (job_number);
CREATE TABLE IF NOT EXISTS workflow_job_nodes (workflow_job_id VARCHAR NOT NULL, node_index INT NOT NULL,
  job_id VARCHAR NOT NULL, PRIMARY KEY (workflow_job_id, node_index));
CREATE INDEX IF NOT EXISTS workflow_job_nodes_job ON workflow_job_nodes (job_id);
