-- A task's end, unclaim and lapse find its job by task_id: without an index each of them read the whole jobs table.
CREATE INDEX IF NOT EXISTS jobs_task ON jobs (task_id);
