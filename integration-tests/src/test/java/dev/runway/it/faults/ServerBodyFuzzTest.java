package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ManagementClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.server.RunwayServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz target: protocol JSON bodies as the real server reads them. Mutated bodies of every JSON endpoint a runner or
 * an operator posts to (jobs, step start and result, task result, infrastructure failure, namespace, resource class,
 * token) must be answered with a 2xx or a 4xx naming the problem, never a 5xx, and the server keeps answering.
 */
class ServerBodyFuzzTest {
    /** An endpoint, the token it takes, and a valid body to start mutating from. */
    private record Target(String path, String header, String token, Class<?> record) {}

    @Test
    void mutatedBodiesNeverBreakTheServer(@TempDir Path home) throws Exception {
        long seed = FaultSeeds.seed("server bodies fuzz", 505L);
        Random random = new Random(seed);
        FuzzInputs inputs = new FuzzInputs(random);
        int count = FaultSeeds.longProfile() ? 30_000 : 3_000;
        List<String> violations = new ArrayList<>();
        try (ClaimedTask claimed = ClaimedTask.start(home, "true\nfalse")) {
            RunwayServer server = claimed.server();
            ManagementClient management = claimed.management();
            ClaimResponse claim = claimed.claim();
            String admin = server.adminToken();
            String task = "Bearer " + claim.taskToken();
            List<Target> targets = List.of(
                    new Target(JobsApi.JOBS, "Circle-Token", admin, JobSubmission.class),
                    new Target(ManagementApi.NAMESPACES, "Circle-Token", admin, ManagementApi.NamespaceCreate.class),
                    new Target(ManagementApi.RESOURCE_CLASSES, "Circle-Token", admin,
                            ManagementApi.ResourceClassCreate.class),
                    new Target(ManagementApi.TOKENS, "Circle-Token", admin, ManagementApi.TokenCreate.class),
                    new Target(ApiPaths.stepStart(claim.taskId(), 0), "Authorization", task,
                            RunnerApi.StepStart.class),
                    new Target(ApiPaths.stepResult(claim.taskId(), 1), "Authorization", task,
                            RunnerApi.StepResult.class),
                    new Target(ApiPaths.fail(claim.taskId()), "Authorization", task, RunnerApi.InfraFailure.class),
                    new Target(ApiPaths.taskResult(claim.taskId()), "Authorization", task,
                            RunnerApi.TaskResult.class));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < count && violations.size() < 20; i++) {
                Target target = targets.get(random.nextInt(targets.size()));
                byte[] body = inputs.mutateBytes(Json.write(inputs.instance(target.record(), 0)));
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + target.path()))
                        .header(target.header(), target.token()).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 500) {
                    violations.add(target.path() + " answered " + response.statusCode() + " " + response.body()
                            + "\n    body: " + new String(body, StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(management.listJobs(null, null, 10).items()).as("the server still answers")
                    .isNotEmpty();
        }
        System.out.println("[faults] server bodies fuzz: " + count + " bodies, " + violations.size()
                + " answered 5xx");
        assertThat(violations).isEmpty();
    }
}
