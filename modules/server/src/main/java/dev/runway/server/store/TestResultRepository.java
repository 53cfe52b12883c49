package dev.runway.server.store;

import dev.runway.protocol.RunnerApi.TestRecord;
import java.util.List;
import java.util.Optional;

/** The test records of {@code store_test_results} steps, and the SSH keys of projects for {@code add_ssh_keys}. */
public interface TestResultRepository {
    /** Replaces the step's records from number {@code first} on by {@code records} (numbered from {@code first}). */
    void storeTests(String jobId, int step, int first, List<TestRecord> records, long now);

    /** The records of these jobs in job, step and report order: {@code limit} from the {@code offset}th. */
    List<TestRecord> tests(List<String> jobIds, int offset, int limit);

    /**
     * The records of the most recent workflow job of the project named {@code jobName} that stored any, other than
     * {@code exceptWorkflowJobId}: the timings {@code circleci tests split} uses.
     */
    List<TestRecord> latestTests(String projectId, String jobName, String exceptWorkflowJobId);

    /** The workflow job (id, name, project id) a job runs for as one of its nodes; empty for a submitted job. */
    Optional<String[]> workflowJobOf(String jobId);

    /** Adds a key; {@link StoreRefusal} (conflict) when the project has one of that fingerprint. */
    void addSshKey(String projectId, SshKeyRow key);

    List<SshKeyRow> sshKeys(String projectId);

    /** Deletes the key of that SHA256 or MD5 fingerprint; false when there is none. */
    boolean deleteSshKey(String projectId, String fingerprint);

    /** Reseals ({@code reseal}) every stored key that {@code stale} says is not sealed with the current key. */
    int resealSshKeys(java.util.function.Predicate<String> stale, java.util.function.UnaryOperator<String> reseal);

    /** A stored key: {@code sealedKey} is the private key sealed by the server. */
    record SshKeyRow(String fingerprint, String md5Fingerprint, String keyType, String sealedKey, long createdAt) {
        @Override
        public String toString() {
            return "SshKeyRow[" + fingerprint + ", " + keyType + "]";
        }
    }
}
