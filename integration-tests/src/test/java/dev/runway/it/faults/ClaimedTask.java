package dev.runway.it.faults;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.it.support.TestLogs;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * For fuzz targets that talk to the real server: a server in this JVM with a resource class, one job of
 * {@code commands}, and that job claimed by a runner, so that its task token can be used.
 */
record ClaimedTask(RunwayServer server, ManagementClient management, JobStatus job, ClaimResponse claim,
        TaskClient task) implements AutoCloseable {

    static ClaimedTask start(Path home, String commands) throws ApiException, InterruptedException {
        TestLogs.quiet();
        RunwayServer server = RunwayServer.start(new ServerSettings(home, "127.0.0.1", 0));
        HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(10));
        ManagementClient management = new ManagementClient(transport, server.adminToken());
        management.createNamespace("fuzz", "org");
        management.createResourceClass("fuzz/target", "fuzz target");
        String token = management.createToken("fuzz/target", "fuzz").token();
        JobStatus job = management.submitJob(JobSubmission.ofCommands("fuzz/target", "fuzz", commands.split("\n")));
        RunnerClient runner = new RunnerClient(transport, token);
        ClaimResponse claim = runner.claim(new ClaimRequest("fuzzer", "localhost", "0", "linux", "amd64", 1, 5))
                .orElseThrow();
        return new ClaimedTask(server, management, job, claim, runner.forTask(claim));
    }

    @Override
    public void close() {
        server.close();
    }
}
