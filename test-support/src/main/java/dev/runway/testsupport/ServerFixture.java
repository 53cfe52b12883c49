package dev.runway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Runway server for tests (in this JVM, or anywhere given its URL and admin token) and the real clients that
 * drive it: the admin's management calls, a runner claiming as a launch agent would (heartbeats included), and a
 * resource class of its own, made on first use, to submit jobs to and read their status and stored output.
 */
public class ServerFixture implements AutoCloseable {
    private final URI uri;
    private final String adminToken;
    private final AutoCloseable owned; // what close() stops: the server, when this fixture started it
    private final HttpTransport transport;
    private final ManagementClient admin;
    private String resourceClass; // made on first use
    private RunnerClient runner; // of the resource class
    private ScheduledExecutorService heartbeats; // started on first use

    /** A fixture for the server at {@code uri}; {@link #close()} closes {@code owned} (null: nothing). */
    protected ServerFixture(URI uri, String adminToken, AutoCloseable owned) {
        this.uri = uri;
        this.adminToken = adminToken;
        this.owned = owned;
        this.transport = new HttpTransport(uri, Duration.ofSeconds(60));
        this.admin = new ManagementClient(transport, adminToken);
    }

    /** Starts a server in this JVM on a free loopback port with its data in {@code dataDir}. */
    public static ServerFixture inProcess(Path dataDir) {
        return inProcess(new ServerSettings(dataDir, "127.0.0.1", 0));
    }

    public static ServerFixture inProcess(ServerSettings settings) {
        RunwayServer server = RunwayServer.start(settings);
        return new ServerFixture(server.uri(), server.adminToken(), server);
    }

    /** A server that runs elsewhere (another JVM, the built image); closing the fixture leaves it running. */
    public static ServerFixture remote(URI uri, String adminToken) {
        return new ServerFixture(uri, adminToken, null);
    }

    public URI uri() {
        return uri;
    }

    public String adminToken() {
        return adminToken;
    }

    /** The management client with the admin token. */
    public ManagementClient admin() {
        return admin;
    }

    /** A runner client with a resource-class token. */
    public RunnerClient runner(String token) {
        return new RunnerClient(transport, token);
    }

    /** A claim as a runner named {@code name} sends it, long-polling up to {@code waitSeconds}. */
    public static ClaimRequest claim(String name, int waitSeconds) {
        return new ClaimRequest(name, name + ".example", "9.9.9", "linux", "amd64", 1, waitSeconds);
    }

    /** This fixture's own resource class (in a namespace of its own), made on first use with a runner token. */
    public synchronized String resourceClass() throws ApiException, InterruptedException {
        if (resourceClass == null) {
            String namespace = "ns" + UUID.randomUUID().toString().substring(0, 8);
            admin.createNamespace(namespace, UUID.randomUUID().toString());
            String name = namespace + "/taskagent";
            admin.createResourceClass(name, "task agent tests");
            runner = runner(admin.createToken(name, "tests").token());
            resourceClass = name;
        }
        return resourceClass;
    }

    /** Steps in CircleCI's shapes, as JSON text, e.g. {@code {"run": "echo hi"}} or {@code "checkout"}. */
    public static List<JsonNode> steps(String... json) {
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

    /** A job for this fixture's resource class. */
    public JobSubmission job(List<JsonNode> steps, Map<String, String> environment, Map<String, String> secrets,
            Checkout checkout) throws ApiException, InterruptedException {
        return new JobSubmission(resourceClass(), "test-job", steps, environment, secrets, checkout, null);
    }

    /** Submits the job and claims it: the task a launch agent would hand to a task agent. */
    public ClaimResponse submitAndClaim(JobSubmission job) throws ApiException, InterruptedException {
        resourceClass();
        JobStatus submitted = admin.submitJob(job);
        ClaimResponse claim = runner.claim(new ClaimRequest("test-runner", "localhost", "test", "linux", "amd64", 1,
                10)).orElseThrow(() -> new AssertionError("no task to claim"));
        if (!claim.jobId().equals(submitted.id())) {
            throw new AssertionError("claimed job " + claim.jobId() + ", submitted " + submitted.id());
        }
        return claim;
    }

    public TaskClient taskClient(ClaimResponse claim) {
        return new TaskClient(transport, claim.taskId(), claim.taskToken());
    }

    public JobStatus status(String jobId) throws ApiException, InterruptedException {
        return admin.jobStatus(jobId);
    }

    public void cancel(String jobId) throws ApiException, InterruptedException {
        admin.cancelJob(jobId);
    }

    /** Stored output of a step from {@code offset}, as much as one answer carries (empty at the end). */
    public ManagementClient.OutputChunk outputChunk(String jobId, int step, long offset)
            throws ApiException, InterruptedException {
        return admin.jobOutput(jobId, step, offset, Duration.ZERO);
    }

    /** The step's stored output, all of it. */
    public byte[] output(String jobId, int step) throws ApiException, InterruptedException {
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

    public String outputText(String jobId, int step) throws ApiException, InterruptedException {
        return new String(output(jobId, step), StandardCharsets.UTF_8);
    }

    /** Heartbeats for {@code task} every 300 ms until canceled; failures (server down) are retried next beat. */
    public synchronized ScheduledFuture<?> keepAlive(TaskClient task) {
        if (heartbeats == null) {
            heartbeats = Executors.newScheduledThreadPool(4);
        }
        return heartbeats.scheduleWithFixedDelay(() -> {
            try {
                task.heartbeat();
            } catch (Exception e) {
                // the server may be down for a moment (killed and restarted)
            }
        }, 0, 300, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (heartbeats != null) {
                heartbeats.shutdownNow();
            }
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the server at " + uri, e);
            }
        }
    }
}
