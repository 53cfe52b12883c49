package dev.runway.server.store.jdbc;

import dev.runway.server.store.BlobRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The cache_entries, workspace_layers, artifacts and artifact_retention tables. */
final class JdbcBlobs implements BlobRepository {
    private static final long DAY_MILLIS = 24L * 60 * 60 * 1000;
    private final Database db;

    JdbcBlobs(Database db) {
        this.db = db;
    }

    @Override
    public Optional<JobScope> scopeOfJob(String jobId) {
        return db.tx(() -> db.one(row -> new JobScope(row.getString(1), row.getString(2), row.getString(3),
                row.getString(4), row.getLong(5), row.getInt(6)),
                "SELECT p.project_id, wj.workflow_id, wj.id, wj.name, wj.job_number, n.node_index"
                        + " FROM workflow_job_nodes n JOIN workflow_jobs wj ON wj.id = n.workflow_job_id"
                        + " JOIN workflows w ON w.id = wj.workflow_id JOIN pipelines p ON p.id = w.pipeline_id"
                        + " WHERE n.job_id = ?", jobId));
    }

    @Override
    public boolean saveCache(String projectId, String key, String sha256, long size, long now) {
        return db.tx(() -> {
            if (db.one(row -> row.getString(1), "SELECT cache_key FROM cache_entries WHERE project_id = ?"
                    + " AND cache_key = ?", projectId, key).isPresent()) {
                return false;
            }
            db.update("INSERT INTO cache_entries (project_id, cache_key, blob_sha256, size, created_at, last_used_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", projectId, key, sha256, size, now, now);
            return true;
        });
    }

    @Override
    public Optional<CacheEntry> findCache(String projectId, List<String> prefixes, long now) {
        return db.tx(() -> {
            for (String prefix : prefixes) {
                Optional<CacheEntry> found = db.one(JdbcBlobs::cacheEntry, "SELECT * FROM cache_entries"
                        + " WHERE project_id = ? AND cache_key LIKE ? ESCAPE '\\' ORDER BY created_at DESC,"
                        + " cache_key DESC LIMIT 1", projectId, likePrefix(prefix));
                if (found.isPresent()) {
                    db.update("UPDATE cache_entries SET last_used_at = ? WHERE project_id = ? AND cache_key = ?", now,
                            projectId, found.get().key());
                    return found;
                }
            }
            return Optional.empty();
        });
    }

    /** {@code prefix} as a LIKE pattern that matches it literally, then anything. */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    @Override
    public Layer addLayer(String workflowId, String workflowJobId, String jobName, String sha256, long size,
            long now) {
        return db.tx(() -> {
            long seq = db.one(row -> row.getLong(1), "SELECT COALESCE(MAX(seq), 0) FROM workspace_layers"
                    + " WHERE workflow_id = ?", workflowId).orElse(0L) + 1;
            db.update("INSERT INTO workspace_layers (workflow_id, seq, workflow_job_id, job_name, blob_sha256, size,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", workflowId, seq, workflowJobId, jobName, sha256,
                    size, now);
            return new Layer(workflowId, seq, workflowJobId, jobName, sha256, size, now);
        });
    }

    @Override
    public List<Layer> layers(String workflowId, Set<String> jobNames) {
        List<Layer> all = db.tx(() -> db.query(JdbcBlobs::layer, "SELECT * FROM workspace_layers"
                + " WHERE workflow_id = ? ORDER BY seq", workflowId));
        List<Layer> wanted = new ArrayList<>();
        for (Layer layer : all) {
            if (jobNames.contains(layer.jobName())) {
                wanted.add(layer);
            }
        }
        return wanted;
    }

    @Override
    public void addArtifacts(List<Artifact> artifacts) {
        db.tx(() -> {
            for (Artifact artifact : artifacts) {
                db.update("DELETE FROM artifacts WHERE project_id = ? AND job_number = ? AND node_index = ?"
                        + " AND path = ?", artifact.projectId(), artifact.jobNumber(), artifact.nodeIndex(),
                        artifact.path());
                db.update("INSERT INTO artifacts (project_id, job_number, node_index, path, blob_sha256, size,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", artifact.projectId(), artifact.jobNumber(),
                        artifact.nodeIndex(), artifact.path(), artifact.sha256(), artifact.size(),
                        artifact.createdAt());
            }
            return null;
        });
    }

    @Override
    public List<Artifact> artifacts(String projectId, long jobNumber) {
        return db.tx(() -> db.query(JdbcBlobs::artifact, "SELECT * FROM artifacts WHERE project_id = ?"
                + " AND job_number = ? ORDER BY node_index, path", projectId, jobNumber));
    }

    @Override
    public Optional<Artifact> artifact(String projectId, long jobNumber, int nodeIndex, String path) {
        return db.tx(() -> db.one(JdbcBlobs::artifact, "SELECT * FROM artifacts WHERE project_id = ?"
                + " AND job_number = ? AND node_index = ? AND path = ?", projectId, jobNumber, nodeIndex, path));
    }

    @Override
    public boolean projectRefersTo(String projectId, String sha256) {
        return db.tx(() -> db.one(row -> row.getString(1), "SELECT blob_sha256 FROM blob_uploads"
                + " WHERE project_id = ? AND blob_sha256 = ?", projectId, sha256).isPresent()
                || db.one(row -> row.getString(1), "SELECT blob_sha256 FROM cache_entries"
                + " WHERE project_id = ? AND blob_sha256 = ?", projectId, sha256).isPresent()
                || db.one(row -> row.getString(1), "SELECT blob_sha256 FROM artifacts WHERE project_id = ?"
                + " AND blob_sha256 = ?", projectId, sha256).isPresent()
                || db.one(row -> row.getString(1), "SELECT l.blob_sha256 FROM workspace_layers l"
                + " JOIN workflows w ON w.id = l.workflow_id JOIN pipelines p ON p.id = w.pipeline_id"
                + " WHERE p.project_id = ? AND l.blob_sha256 = ?", projectId, sha256).isPresent());
    }

    @Override
    public void recordUpload(String projectId, String sha256, long now) {
        db.tx(() -> {
            db.update("DELETE FROM blob_uploads WHERE project_id = ? AND blob_sha256 = ?", projectId, sha256);
            db.update("INSERT INTO blob_uploads (project_id, blob_sha256, created_at) VALUES (?, ?, ?)", projectId,
                    sha256, now);
            return null;
        });
    }

    @Override
    public void setArtifactRetention(String projectId, Integer days) {
        db.tx(() -> {
            db.update("DELETE FROM artifact_retention WHERE project_id = ?", projectId);
            if (days != null) {
                db.update("INSERT INTO artifact_retention (project_id, days) VALUES (?, ?)", projectId, days);
            }
            return null;
        });
    }

    @Override
    public Optional<Integer> artifactRetention(String projectId) {
        return db.tx(() -> db.one(row -> row.getInt(1), "SELECT days FROM artifact_retention WHERE project_id = ?",
                projectId));
    }

    @Override
    public Expired expire(long cachesUnusedBefore, long layersBefore, int defaultArtifactDays, long uploadsBefore,
            long now) {
        return db.tx(() -> {
            db.update("DELETE FROM blob_uploads WHERE created_at < ?", uploadsBefore);
            int caches = db.update("DELETE FROM cache_entries WHERE last_used_at < ?", cachesUnusedBefore);
            int layers = db.update("DELETE FROM workspace_layers WHERE created_at < ?", layersBefore);
            int artifacts = db.update("DELETE FROM artifacts WHERE created_at < ? AND project_id NOT IN"
                    + " (SELECT project_id FROM artifact_retention)", now - defaultArtifactDays * DAY_MILLIS);
            List<String[]> retentions = db.query(row -> new String[] {row.getString(1), row.getString(2)},
                    "SELECT project_id, days FROM artifact_retention");
            for (String[] retention : retentions) {
                artifacts += db.update("DELETE FROM artifacts WHERE project_id = ? AND created_at < ?", retention[0],
                        now - Long.parseLong(retention[1]) * DAY_MILLIS);
            }
            return new Expired(caches, layers, artifacts);
        });
    }

    @Override
    public Set<String> referencedBlobs() {
        return db.tx(() -> {
            Set<String> blobs = new HashSet<>();
            blobs.addAll(db.query(row -> row.getString(1), "SELECT DISTINCT blob_sha256 FROM cache_entries"));
            blobs.addAll(db.query(row -> row.getString(1), "SELECT DISTINCT blob_sha256 FROM workspace_layers"));
            blobs.addAll(db.query(row -> row.getString(1), "SELECT DISTINCT blob_sha256 FROM artifacts"));
            return blobs;
        });
    }

    private static CacheEntry cacheEntry(ResultSet row) throws SQLException {
        return new CacheEntry(row.getString("project_id"), row.getString("cache_key"), row.getString("blob_sha256"),
                row.getLong("size"), row.getLong("created_at"), row.getLong("last_used_at"));
    }

    private static Layer layer(ResultSet row) throws SQLException {
        return new Layer(row.getString("workflow_id"), row.getLong("seq"), row.getString("workflow_job_id"),
                row.getString("job_name"), row.getString("blob_sha256"), row.getLong("size"),
                row.getLong("created_at"));
    }

    private static Artifact artifact(ResultSet row) throws SQLException {
        return new Artifact(row.getString("project_id"), row.getLong("job_number"), row.getInt("node_index"),
                row.getString("path"), row.getString("blob_sha256"), row.getLong("size"), row.getLong("created_at"));
    }

    @Override
    public Optional<String> blobDirectoryMark() {
        return db.tx(() -> db.one(row -> row.getString(1), "SELECT mark FROM blob_directory_mark WHERE id = 1"));
    }

    @Override
    public void recordBlobDirectoryMark(String mark, long now) {
        // the primary key makes a second row a conflict, also between two replicas inserting at once
        db.tx(() -> db.update("INSERT INTO blob_directory_mark (id, mark, created_at) VALUES (1, ?, ?)", mark, now));
    }
}
