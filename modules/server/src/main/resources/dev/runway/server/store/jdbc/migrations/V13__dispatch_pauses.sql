-- Resource classes whose dispatch is paused: their claims get no task until the row is deleted (resumed).
CREATE TABLE IF NOT EXISTS dispatch_pauses (resource_class_id VARCHAR PRIMARY KEY, paused_at BIGINT NOT NULL);
