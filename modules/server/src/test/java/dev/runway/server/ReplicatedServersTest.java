package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ManagementClient.OutputChunk;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.store.StoreEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one real PostgreSQL, as two replicas: a claim held by A is answered when a job is queued through B,
 * and the output the task sends to A is read through B, byte for byte; a dispatch pause made through B holds A's
 * claims, and its end wakes them. Both mount one blob directory (a replica with its own is refused: see
 * SharedBlobDirectoryTest).
 */
class ReplicatedServersTest {
    @TempDir
    Path temp;

    @Test
    void aClaimHeldOnOneReplicaIsAnsweredByAJobQueuedThroughAnother() throws Exception {
        ServerSettings[] replicas = twoReplicasOfOneDatabase();
        try (TestServer a = new TestServer(replicas[0]); TestServer b = new TestServer(replicas[1])) {
            String token = a.resourceClassToken();
            CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return a.runner(token).claim(TestServer.claimRequest("r1", 30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> a.server.waitingClaims() == 1);
            JobStatus job = b.admin.submitJob(JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "across", "true"));
            ClaimResponse claim = held.get(20, TimeUnit.SECONDS).orElseThrow();
            assertThat(claim.jobId()).isEqualTo(job.id());

            TaskClient task = a.runner(token).forTask(claim);
            byte[] output = "through A\n\u00ff binary \u0000 end".getBytes(StandardCharsets.ISO_8859_1);
            task.appendOutput(0, 0, output, output.length, System.currentTimeMillis());
            OutputChunk read = b.admin.jobOutput(job.id(), 0, 0, Duration.ZERO);
            assertThat(read.data()).isEqualTo(output);
        }
    }

    @Test
    void aDispatchPauseMadeThroughOneReplicaHoldsTheClaimsOfAnother() throws Exception {
        ServerSettings[] replicas = twoReplicasOfOneDatabase();
        try (TestServer a = new TestServer(replicas[0]); TestServer b = new TestServer(replicas[1])) {
            String token = a.resourceClassToken();
            String classId = b.admin.listResourceClasses("acme").items().get(0).id();
            assertThat(b.admin.setDispatchPaused(classId, true)).isTrue();
            JobStatus job = b.admin.submitJob(JobSubmission.ofCommands(TestServer.RESOURCE_CLASS, "held", "true"));
            // the pause reaches A through the store's signals: poll until A holds the class (no sleep, no race)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> a.server.dispatchPaused(
                    classId));
            assertThat(a.runner(token).claim(TestServer.claimRequest("r1", 0))).as("paused through B").isEmpty();

            CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return a.runner(token).claim(TestServer.claimRequest("r1", 30));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> a.server.waitingClaims() == 1);
            assertThat(b.admin.setDispatchPaused(classId, false)).isFalse();
            ClaimResponse claim = held.get(20, TimeUnit.SECONDS).orElseThrow();
            assertThat(claim.jobId()).isEqualTo(job.id());
        }
    }

    /** Two servers' settings: their own data directories, one PostgreSQL database and one key for its secrets. */
    private ServerSettings[] twoReplicasOfOneDatabase() throws java.io.IOException {
        StoreEngines.Place place = StoreEngines.POSTGRESQL.newPlace(temp);
        // one blob directory for both, as replicas mount one shared volume at their data directory's blobs/
        java.nio.file.Path blobs = java.nio.file.Files.createDirectories(temp.resolve("shared-blobs"));
        for (String replica : new String[] {"a", "b"}) {
            java.nio.file.Files.createSymbolicLink(java.nio.file.Files.createDirectories(temp.resolve(replica))
                    .resolve("blobs"), blobs);
        }
        ServerDatabase database = new ServerDatabase(place.database().toString(), null);
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        DataProtection shared = new DataProtection(false, null, key, null);
        return new ServerSettings[] {
            new ServerSettings(temp.resolve("a"), "127.0.0.1", 0).withDatabase(database).withProtection(shared),
            new ServerSettings(temp.resolve("b"), "127.0.0.1", 0).withDatabase(database).withProtection(shared)};
    }
}
