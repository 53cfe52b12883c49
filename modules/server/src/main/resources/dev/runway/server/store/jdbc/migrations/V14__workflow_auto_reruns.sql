-- A workflow's max_auto_reruns: how many more times a failed run of it is rerun from failed on its own (the config
-- gives 1 to 5; each automatic rerun has one less; 0 for workflows stored before).
ALTER TABLE workflows ADD COLUMN IF NOT EXISTS auto_reruns_left INT NOT NULL DEFAULT 0;
