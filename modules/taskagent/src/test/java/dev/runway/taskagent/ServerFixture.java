package dev.runway.taskagent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Runway server for tests (in this JVM, or anywhere given its URL and admin token) with a resource class and
 * its token: submits jobs, claims them as a launch agent would, reads their status and stored output.
 */
final class ServerFixture implements AutoCloseable {
    private final RunwayServer server; // null when the server runs elsewhere
    private final URI uri;
    private final ManagementClient admin;
    private final RunnerClient runner;
    private final HttpTransport transport;
    final String resourceClass;

    private ServerFixture(RunwayServer server, URI uri, String adminToken) throws Exception {
        this.server = server;
        this.uri = uri;
        this.transport = new HttpTransport(uri, Duration.ofSeconds(60));
        this.admin = new ManagementClient(transport, adminToken);
        String namespace = "ns" + UUID.randomUUID().toString().substring(0, 8);
        admin.createNamespace(namespace, UUID.randomUUID().toString());
        this.resourceClass = namespace + "/taskagent";
        admin.createResourceClass(resourceClass, "task agent tests");
        this.runner = new RunnerClient(transport, admin.createToken(resourceClass, "tests").token());
    }

    static ServerFixture inProcess(Path dataDir) throws Exception {
        return inProcess(new ServerSettings(dataDir, "127.0.0.1", 0));
    }

    static ServerFixture inProcess(ServerSettings settings) throws Exception {
        RunwayServer server = RunwayServer.start(settings);
        return new ServerFixture(server, server.uri(), server.adminToken());
    }

    static ServerFixture remote(URI uri, String adminToken) throws Exception {
        return new ServerFixture(null, uri, adminToken);
    }

    URI uri() {
        return uri;
    }

    /** Steps in CircleCI's shapes, as JSON text, e.g. {@code {"run": "echo hi"}} or {@code "checkout"}. */
    static List<JsonNode> steps(String... json) {
        List<JsonNode> steps = new ArrayList<>();
        for (String step : json) {
            try {
                steps.add(Json.mapper().readTree(step));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return steps;
    }

    JobSubmission job(List<JsonNode> steps, Map<String, String> environment, Map<String, String> secrets,
            Checkout checkout) {
        return new JobSubmission(resourceClass, "test-job", steps, environment, secrets, checkout, null);
    }

    /** Submits the job and claims it: the task a launch agent would hand to a task agent. */
    ClaimResponse submitAndClaim(JobSubmission job) throws Exception {
        JobStatus submitted = admin.submitJob(job);
        ClaimResponse claim = runner.claim(new ClaimRequest("test-runner", "localhost", "test", "linux", "amd64", 1,
                10)).orElseThrow(() -> new AssertionError("no task to claim"));
        if (!claim.jobId().equals(submitted.id())) {
            throw new AssertionError("claimed job " + claim.jobId() + ", submitted " + submitted.id());
        }
        return claim;
    }

    TaskClient taskClient(ClaimResponse claim) {
        return new TaskClient(transport, claim.taskId(), claim.taskToken());
    }

    JobStatus status(String jobId) throws ApiException, InterruptedException {
        return admin.jobStatus(jobId);
    }

    void cancel(String jobId) throws ApiException, InterruptedException {
        admin.cancelJob(jobId);
    }

    /** Stored output of a step from {@code offset}, as much as one answer carries (empty at the end). */
    ManagementClient.OutputChunk outputChunk(String jobId, int step, long offset)
            throws ApiException, InterruptedException {
        return admin.jobOutput(jobId, step, offset, Duration.ZERO);
    }

    /** The step's stored output, all of it. */
    byte[] output(String jobId, int step) throws ApiException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = outputChunk(jobId, step, offset);
            out.write(chunk.data(), 0, chunk.data().length);
            if (chunk.data().length == 0) {
                return out.toByteArray();
            }
            offset = chunk.nextOffset();
        }
    }

    String outputText(String jobId, int step) throws ApiException, InterruptedException {
        return new String(output(jobId, step), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
