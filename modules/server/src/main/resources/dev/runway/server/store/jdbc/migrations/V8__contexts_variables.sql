-- Contexts (named sets of variables a workflow job asks for with context:) and project variables. Values are
-- write-only through the API and handed to jobs as secrets; value_enc is written and read through SecretValues.
CREATE TABLE IF NOT EXISTS contexts (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE,
  created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS context_variables (context_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
  value_enc CLOB NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (context_id, name));
CREATE TABLE IF NOT EXISTS project_variables (project_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
  value_enc CLOB NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (project_id, name));
