-- Step output in the database, for server replicas sharing one store (one process keeps output in files instead).
-- One row per stored chunk at its byte offset; data is the chunk's bytes in base64 (portable text, no BLOB type).
CREATE TABLE IF NOT EXISTS step_output (task_id VARCHAR NOT NULL, step INT NOT NULL, byte_offset BIGINT NOT NULL,
  byte_count INT NOT NULL, data VARCHAR NOT NULL, read_at BIGINT NOT NULL, PRIMARY KEY (task_id, step, byte_offset));
