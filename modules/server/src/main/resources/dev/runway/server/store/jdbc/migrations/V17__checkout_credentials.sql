-- Per-task read credentials of a project's git mirror (the checkout step of a pipeline job): only their SHA-256 is
-- kept; the task's state decides whether one still opens anything.
CREATE TABLE IF NOT EXISTS checkout_credentials (hash VARCHAR(64) PRIMARY KEY, task_id VARCHAR NOT NULL);
