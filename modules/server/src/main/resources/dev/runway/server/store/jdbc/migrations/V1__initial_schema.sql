-- The schema as the server kept it before schema versions. Every statement is IF NOT EXISTS: applied to a data
-- directory of that time it changes nothing, and this version is only recorded.
-- jobs.definition is a CLOB, H2's type for long text (PostgreSQL would name it TEXT).
CREATE TABLE IF NOT EXISTS namespaces (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE,
  org_id VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS resource_classes (id VARCHAR PRIMARY KEY, namespace VARCHAR NOT NULL,
  name VARCHAR NOT NULL, description VARCHAR, created_at BIGINT NOT NULL, UNIQUE (namespace, name));
CREATE TABLE IF NOT EXISTS tokens (id VARCHAR PRIMARY KEY, resource_class_id VARCHAR NOT NULL,
  nickname VARCHAR NOT NULL, hash VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS runners (resource_class_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
  hostname VARCHAR, ip VARCHAR, version VARCHAR, first_connected BIGINT NOT NULL,
  last_connected BIGINT NOT NULL, last_used BIGINT, PRIMARY KEY (resource_class_id, name));
CREATE SEQUENCE IF NOT EXISTS build_numbers START WITH 1;
CREATE TABLE IF NOT EXISTS jobs (id VARCHAR PRIMARY KEY, build_num BIGINT NOT NULL UNIQUE,
  resource_class_id VARCHAR NOT NULL, resource_class VARCHAR NOT NULL, name VARCHAR NOT NULL,
  definition CLOB NOT NULL, max_run_time_seconds BIGINT NOT NULL, state VARCHAR NOT NULL,
  reason VARCHAR, cancel_requested BOOLEAN NOT NULL, attempts INT NOT NULL, requeues INT NOT NULL,
  task_id VARCHAR, created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT);
CREATE INDEX IF NOT EXISTS jobs_queue ON jobs (resource_class_id, state, build_num);
CREATE TABLE IF NOT EXISTS tasks (id VARCHAR PRIMARY KEY, job_id VARCHAR NOT NULL,
  attempt INT NOT NULL, token_hash VARCHAR NOT NULL UNIQUE, runner_name VARCHAR NOT NULL,
  state VARCHAR NOT NULL, claimed_at BIGINT NOT NULL, lease_until BIGINT NOT NULL,
  finished_at BIGINT);
CREATE INDEX IF NOT EXISTS tasks_lease ON tasks (state, lease_until);
CREATE TABLE IF NOT EXISTS steps (task_id VARCHAR NOT NULL, idx INT NOT NULL, name VARCHAR,
  status VARCHAR NOT NULL, exit_code INT, signal INT, reason VARCHAR, duration_ms BIGINT,
  started_at BIGINT, finished_at VARCHAR, PRIMARY KEY (task_id, idx));
