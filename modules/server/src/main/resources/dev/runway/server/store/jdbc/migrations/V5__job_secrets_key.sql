-- Job secrets are sealed at rest: which key sealed a job's secrets (an id, never the key). NULL for jobs stored
-- before secrets were sealed; the server seals those on its next start and records the key here.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS secrets_key VARCHAR;
CREATE INDEX IF NOT EXISTS jobs_secrets_key ON jobs (secrets_key);
