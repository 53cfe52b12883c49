package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many runners claim at once (so claims share commits) from a server in its own JVM, which is killed with SIGKILL
 * in the middle: after a restart every claim a runner was answered is still its own, running, and no job was handed
 * out twice.
 */
class KillNineClaimsTest {
    @TempDir
    Path data;

    @Test
    void everyAnsweredClaimSurvivesAKillNineInTheMiddleOfConcurrentClaims() throws Exception {
        ServerProcessMain.Launched server = ServerProcessMain.launch(data);
        Process process = server.process();
        int jobs = 300;
        List<String> jobIds = new ArrayList<>();
        ConcurrentLinkedQueue<ClaimResponse> answered = new ConcurrentLinkedQueue<>();
        ExecutorService runners = Executors.newFixedThreadPool(24);
        String rcToken;
        try {
            URI uri = server.uri();
            ManagementClient admin = new ManagementClient(new HttpTransport(uri, Duration.ofSeconds(10)),
                    Files.readString(data.resolve("admin-token")).strip());
            admin.createNamespace("acme", "github/acme");
            admin.createResourceClass("acme/linux", "");
            rcToken = admin.createToken("acme/linux", "t").token();
            for (int i = 0; i < jobs; i++) {
                jobIds.add(admin.submitJob(JobsApi.JobSubmission.ofCommands("acme/linux", "job-" + i, "true")).id());
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int r = 0; r < 24; r++) {
                String name = "r" + r;
                String token = rcToken;
                runners.submit(() -> claimUntilGone(http, uri, token, name, answered));
            }
            // kill while claims are still being answered
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> answered.size() >= jobs / 4);
            } catch (ConditionTimeoutException e) {
                // the assertion below says how many were answered
            }
        } finally {
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            runners.shutdown();
            assertThat(runners.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(answered.size()).as("claims answered before the kill").isBetween(jobs / 4, jobs - 1);

        try (TestServer restarted = new TestServer(data)) {
            Set<String> claimedJobs = new HashSet<>();
            for (ClaimResponse claim : answered) {
                assertThat(claimedJobs.add(claim.jobId())).as("job %s handed out twice", claim.jobId()).isTrue();
                JobsApi.JobStatus status = restarted.admin.jobStatus(claim.jobId());
                assertThat(status.state()).as("job %s after the restart", claim.jobId()).isEqualTo(JobState.RUNNING);
                // the task token answered to the runner was committed with its claim
                assertThat(restarted.runner(rcToken).forTask(claim).heartbeat().canceled()).isFalse();
            }
            // the rest of the queue is still there for the next claims, each job once
            Set<String> later = new HashSet<>();
            for (int i = 0; ; i++) {
                var next = restarted.runner(rcToken).claim(TestServer.claimRequest("after-" + i, 0));
                if (next.isEmpty()) {
                    break;
                }
                assertThat(claimedJobs).doesNotContain(next.get().jobId());
                assertThat(later.add(next.get().jobId())).isTrue();
            }
            assertThat(claimedJobs.size() + later.size()).as("claimed before, claimed after, and claimed by a "
                    + "runner that never heard the answer (still running)").isLessThanOrEqualTo(jobs);
            assertThat(restarted.admin.listJobs("acme/linux", JobState.QUEUED, 500).items()).isEmpty();
            assertThat(jobIds).containsAll(claimedJobs).containsAll(later);
        }
    }

    /** One runner claiming with no wait until the queue is empty or the server is gone. */
    private static Void claimUntilGone(HttpClient http, URI uri, String token, String name,
            ConcurrentLinkedQueue<ClaimResponse> answered) {
        HttpRequest request = HttpRequest.newBuilder(uri.resolve(ApiPaths.CLAIM))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"wait_seconds\":0,"
                        + "\"free_slots\":1}")).build();
        try {
            while (true) {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    return null;
                }
                answered.add(Json.read(response.body(), ClaimResponse.class));
            }
        } catch (Exception gone) {
            return null; // the server was killed
        }
    }
}
