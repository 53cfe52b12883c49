-- The mark of the blob directory that every replica sharing the database must mount: one row (id 1). The same value
-- is in the directory's mark file; a replica whose directory holds another mark, or none, refuses to start.
CREATE TABLE IF NOT EXISTS blob_directory_mark (id INT PRIMARY KEY, mark VARCHAR NOT NULL, created_at BIGINT NOT NULL);
