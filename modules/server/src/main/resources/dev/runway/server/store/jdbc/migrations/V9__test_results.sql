-- Test records of store_test_results steps: per job (one parallel node of a workflow job is one job) and step, in
-- the order the reports listed them (seq). run_time_micros: the test's time in microseconds.
CREATE TABLE IF NOT EXISTS test_results (job_id VARCHAR NOT NULL, step INT NOT NULL, seq INT NOT NULL,
  test_name VARCHAR NOT NULL, class_name VARCHAR NOT NULL, file_name VARCHAR NOT NULL, outcome VARCHAR NOT NULL,
  run_time_micros BIGINT NOT NULL, message VARCHAR NOT NULL, source_file VARCHAR NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, step, seq));
