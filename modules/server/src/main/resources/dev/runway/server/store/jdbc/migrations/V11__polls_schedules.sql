-- Polling a project's branches for new commits, and schedules (the server's own and those a config's workflows
-- declare). next_poll_at and next_run_at are also claims: a server replica acts on a due row only after moving it
-- forward with UPDATE ... WHERE next_..._at = (the value it read), which one replica alone can win.
CREATE TABLE IF NOT EXISTS project_polls (project_id VARCHAR PRIMARY KEY, branches VARCHAR NOT NULL,
  interval_seconds BIGINT NOT NULL, next_poll_at BIGINT NOT NULL, last_polled_at BIGINT, last_error VARCHAR,
  updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS project_polls_due ON project_polls (next_poll_at);
-- The head commit last seen on each polled branch, so that a commit is built once, across restarts.
CREATE TABLE IF NOT EXISTS poll_heads (project_id VARCHAR NOT NULL, branch VARCHAR NOT NULL,
  revision VARCHAR NOT NULL, pipeline_id VARCHAR, seen_at BIGINT NOT NULL, PRIMARY KEY (project_id, branch));
CREATE TABLE IF NOT EXISTS schedules (id VARCHAR PRIMARY KEY, project_id VARCHAR NOT NULL, source VARCHAR NOT NULL,
  name VARCHAR NOT NULL, description VARCHAR, cron VARCHAR NOT NULL, branch VARCHAR, tag VARCHAR, workflow VARCHAR,
  parameters VARCHAR NOT NULL, next_run_at BIGINT NOT NULL, last_run_at BIGINT, last_pipeline_id VARCHAR,
  last_error VARCHAR, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (next_run_at);
CREATE INDEX IF NOT EXISTS schedules_project ON schedules (project_id);
