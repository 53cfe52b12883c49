-- A task's end, unclaim and lapse find its job through the task's own row (tasks.job_id, then the job's primary key)
-- instead of the index jobs_task: every claim moved a job's entry in that index (from no task to its new task),
-- which cost each claim's transaction two index changes and its commit one more index page to write.
DROP INDEX IF EXISTS jobs_task;
