package dev.runway.server.store.jdbc;

import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.TestResultRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The test_results and project_ssh_keys tables. */
final class JdbcTestResults implements TestResultRepository {
    private final Database db;

    JdbcTestResults(Database db) {
        this.db = db;
    }

    @Override
    public void storeTests(String jobId, int step, int first, List<TestRecord> records, long now) {
        db.tx(() -> {
            db.update("DELETE FROM test_results WHERE job_id = ? AND step = ? AND seq >= ?", jobId, step, first);
            List<Object[]> rows = new ArrayList<>(records.size());
            int seq = first;
            for (TestRecord record : records) {
                rows.add(new Object[] {jobId, step, seq++, text(record.name()), text(record.classname()),
                        text(record.file()), text(record.result()), Math.round(record.runTime() * 1_000_000),
                        text(record.message()), text(record.source()), now});
            }
            db.batch("INSERT INTO test_results (job_id, step, seq, test_name, class_name, file_name, outcome,"
                    + " run_time_micros, message, source_file, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows);
            return null;
        });
    }

    @Override
    public List<TestRecord> tests(List<String> jobIds, int offset, int limit) {
        if (jobIds.isEmpty()) {
            return List.of();
        }
        String in = String.join(", ", Collections.nCopies(jobIds.size(), "?"));
        // job order as given: the node index order of the caller
        StringBuilder order = new StringBuilder("CASE job_id");
        List<Object> args = new ArrayList<>(jobIds);
        for (int i = 0; i < jobIds.size(); i++) {
            order.append(" WHEN ? THEN ").append(i);
            args.add(jobIds.get(i));
        }
        order.append(" END");
        args.add(limit);
        args.add(offset);
        return db.tx(() -> db.query(JdbcTestResults::record, "SELECT * FROM test_results WHERE job_id IN (" + in
                + ") ORDER BY " + order + ", step, seq LIMIT ? OFFSET ?", args.toArray()));
    }

    @Override
    public List<TestRecord> latestTests(String projectId, String jobName, String exceptWorkflowJobId) {
        return db.tx(() -> {
            Optional<String> latest = db.one(row -> row.getString(1), "SELECT j.id FROM workflow_jobs j"
                    + " JOIN workflows w ON w.id = j.workflow_id JOIN pipelines p ON p.id = w.pipeline_id"
                    + " WHERE p.project_id = ? AND j.name = ? AND j.id <> ? AND EXISTS (SELECT 1 FROM"
                    + " workflow_job_nodes n JOIN test_results t ON t.job_id = n.job_id WHERE n.workflow_job_id"
                    + " = j.id) ORDER BY p.number DESC, w.created_at DESC, j.job_number DESC LIMIT 1", projectId,
                    jobName, exceptWorkflowJobId == null ? "" : exceptWorkflowJobId);
            if (latest.isEmpty()) {
                return List.<TestRecord>of();
            }
            return db.query(JdbcTestResults::record, "SELECT t.* FROM test_results t JOIN workflow_job_nodes n"
                    + " ON n.job_id = t.job_id WHERE n.workflow_job_id = ? ORDER BY n.node_index, t.step, t.seq",
                    latest.get());
        });
    }

    @Override
    public Optional<String[]> workflowJobOf(String jobId) {
        return db.tx(() -> db.one(row -> new String[] {row.getString(1), row.getString(2), row.getString(3)},
                "SELECT j.id, j.name, p.project_id FROM workflow_job_nodes n JOIN workflow_jobs j"
                + " ON j.id = n.workflow_job_id JOIN workflows w ON w.id = j.workflow_id JOIN pipelines p"
                + " ON p.id = w.pipeline_id WHERE n.job_id = ?", jobId));
    }

    @Override
    public void addSshKey(String projectId, SshKeyRow key) {
        db.tx(() -> {
            if (db.one(row -> row.getString(1), "SELECT fingerprint FROM project_ssh_keys WHERE project_id = ?"
                    + " AND fingerprint = ?", projectId, key.fingerprint()).isPresent()) {
                throw new StoreRefusal(StoreRefusal.Reason.CONFLICT, "the project has a key " + key.fingerprint()
                        + " already");
            }
            db.update("INSERT INTO project_ssh_keys (project_id, fingerprint, md5_fingerprint, key_type, sealed_key,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?)", projectId, key.fingerprint(), key.md5Fingerprint(),
                    key.keyType(), key.sealedKey(), key.createdAt());
            return null;
        });
    }

    @Override
    public List<SshKeyRow> sshKeys(String projectId) {
        return db.tx(() -> db.query(row -> new SshKeyRow(row.getString("fingerprint"),
                row.getString("md5_fingerprint"), row.getString("key_type"), row.getString("sealed_key"),
                row.getLong("created_at")), "SELECT * FROM project_ssh_keys WHERE project_id = ? ORDER BY created_at,"
                + " fingerprint", projectId));
    }

    @Override
    public boolean deleteSshKey(String projectId, String fingerprint) {
        return db.tx(() -> db.update("DELETE FROM project_ssh_keys WHERE project_id = ? AND (fingerprint = ? OR"
                + " md5_fingerprint = ?)", projectId, fingerprint, fingerprint) > 0);
    }

    @Override
    public int resealSshKeys(java.util.function.Predicate<String> stale,
            java.util.function.UnaryOperator<String> reseal) {
        return db.tx(() -> {
            int count = 0;
            for (String[] row : db.query(r -> new String[] {r.getString(1), r.getString(2), r.getString(3)},
                    "SELECT project_id, fingerprint, sealed_key FROM project_ssh_keys")) {
                if (stale.test(row[2])) {
                    db.update("UPDATE project_ssh_keys SET sealed_key = ? WHERE project_id = ? AND fingerprint = ?",
                            reseal.apply(row[2]), row[0], row[1]);
                    count++;
                }
            }
            return count;
        });
    }

    private static TestRecord record(ResultSet row) throws SQLException {
        return new TestRecord(row.getString("test_name"), row.getString("class_name"), row.getString("file_name"),
                row.getString("outcome"), row.getLong("run_time_micros") / 1_000_000.0, row.getString("message"),
                row.getString("source_file"));
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
