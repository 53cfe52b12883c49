-- SSH private keys of a project for add_ssh_keys: sealed with the server's secrets key (sealed_key), found by their
-- SHA256 or MD5 fingerprint, both as ssh-keygen -l prints them.
CREATE TABLE IF NOT EXISTS project_ssh_keys (project_id VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL,
  md5_fingerprint VARCHAR NOT NULL, key_type VARCHAR NOT NULL, sealed_key VARCHAR NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (project_id, fingerprint));
