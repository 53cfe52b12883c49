package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A draining agent closes its held claim's connection: the server must not hand the next job to that closed poll
 * (where it would sit until its first lease lapsed, and count as a lost attempt), but to a poll that is still there.
 */
class AbandonedClaimTest {
    @TempDir
    Path data;

    @Test
    void aJobIsNotGivenToAClaimWhoseConnectionWasClosed() throws Exception {
        try (TestServer server = new TestServer(data)) {
            String token = server.resourceClassToken();
            String body = "{\"name\":\"draining\",\"wait_seconds\":30,\"free_slots\":1}";
            try (Socket held = new Socket("127.0.0.1", server.server.port())) {
                OutputStream out = held.getOutputStream();
                out.write(("POST " + ApiPaths.CLAIM + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                        + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                RunnerProtocolTest.waitUntil(() -> server.server.waitingClaims() == 1);
            } // the agent drains: its poll's connection closes while the server holds it

            JobsApi.JobStatus job = server.admin.submitJob(JobsApi.JobSubmission.ofCommands(TestServer.RESOURCE_CLASS,
                    "next", "true"));
            ClaimResponse claim = server.runner(token).claim(TestServer.claimRequest("live", 10)).orElseThrow(
                    () -> new AssertionError("the job went to the closed poll: " + status(server, job)));
            assertThat(claim.jobId()).isEqualTo(job.id());
            JobsApi.JobStatus running = server.admin.jobStatus(job.id());
            assertThat(running.runner()).isEqualTo("live");
            assertThat(running.attempts()).as("no attempt lost to the closed poll").isEqualTo(1);
        }
    }

    private static String status(TestServer server, JobsApi.JobStatus job) {
        try {
            return server.admin.jobStatus(job.id()).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
