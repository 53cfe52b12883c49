-- What refers to the blob store's blobs (content-addressed by sha256, files under DATA_DIR/blobs): a project's cache
-- entries (a key is never overwritten; last_used_at drives expiry), a workflow's workspace layers (one per job that
-- persisted, in order), a job's artifacts (by the workflow job's number and parallel node), per-project artifact
-- retention (days; none: the server's default), and which project's jobs sent a blob's bytes (a project may refer
-- only to blobs it uploaded or refers to already: knowing a sha256 is not enough).
CREATE TABLE IF NOT EXISTS cache_entries (project_id VARCHAR NOT NULL, cache_key VARCHAR NOT NULL,
  blob_sha256 VARCHAR NOT NULL, size BIGINT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, cache_key));
CREATE INDEX IF NOT EXISTS cache_entries_used ON cache_entries (last_used_at);
CREATE TABLE IF NOT EXISTS workspace_layers (workflow_id VARCHAR NOT NULL, seq BIGINT NOT NULL,
  workflow_job_id VARCHAR NOT NULL, job_name VARCHAR NOT NULL, blob_sha256 VARCHAR NOT NULL, size BIGINT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (workflow_id, seq));
CREATE INDEX IF NOT EXISTS workspace_layers_created ON workspace_layers (created_at);
CREATE TABLE IF NOT EXISTS artifacts (project_id VARCHAR NOT NULL, job_number BIGINT NOT NULL,
  node_index INT NOT NULL, path VARCHAR NOT NULL, blob_sha256 VARCHAR NOT NULL, size BIGINT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (project_id, job_number, node_index, path));
CREATE INDEX IF NOT EXISTS artifacts_created ON artifacts (created_at);
CREATE TABLE IF NOT EXISTS artifact_retention (project_id VARCHAR PRIMARY KEY, days INT NOT NULL);
CREATE TABLE IF NOT EXISTS blob_uploads (project_id VARCHAR NOT NULL, blob_sha256 VARCHAR NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (project_id, blob_sha256));
