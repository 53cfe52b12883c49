-- A setup pipeline's continuation key: value_enc (through SecretValues) goes into its setup jobs' secrets, key_hash
-- (SHA-256, hex) finds it when a job calls the continuation endpoint; used_at set once makes it single-use.
CREATE TABLE IF NOT EXISTS pipeline_continuations (pipeline_id VARCHAR PRIMARY KEY, value_enc VARCHAR NOT NULL,
  key_hash VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL, used_at BIGINT);
