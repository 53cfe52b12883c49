-- Scoped API tokens (read or admin, optionally of one namespace), kept as SHA-256 hashes of the secret.
CREATE TABLE IF NOT EXISTS api_tokens (id VARCHAR PRIMARY KEY, nickname VARCHAR NOT NULL,
  scope VARCHAR NOT NULL, namespace VARCHAR, hash VARCHAR NOT NULL UNIQUE, created_at BIGINT NOT NULL);
