-- A project's webhook secret (kept recoverable: an HMAC is checked with the secret itself; value_enc is written
-- and read through SecretValues) and the webhook deliveries received, so that a redelivery creates nothing new.
CREATE TABLE IF NOT EXISTS webhook_secrets (project_id VARCHAR PRIMARY KEY, value_enc VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (provider VARCHAR NOT NULL, delivery_id VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL, pipeline_id VARCHAR, received_at BIGINT NOT NULL,
  PRIMARY KEY (provider, delivery_id));
CREATE INDEX IF NOT EXISTS webhook_deliveries_project ON webhook_deliveries (project_id);
