package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runway.cli.install.DrainTime;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.config.ConfigLoader;
import dev.runway.config.LaunchAgentConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config-samples/kubernetes parses as YAML and its parts agree: the grace period covers the drain of the configured
 * agent, the probes hit the agent's health listener, secrets and names referenced exist, and a real Runway server
 * answers the scaler's request. (No cluster and no KEDA run here.)
 */
class KubernetesManifestsTest {
    private static final Path DIR = Command.REPO.resolve("config-samples/kubernetes");
    private static List<JsonNode> deployment;
    private static List<JsonNode> keda;
    private static List<JsonNode> secrets;

    @TempDir
    Path temp;

    @BeforeAll
    static void parse() throws IOException {
        deployment = documents("deployment.yaml");
        keda = documents("keda-scaledobject.yaml");
        secrets = documents("secret.example.yaml");
    }

    private static List<JsonNode> documents(String name) throws IOException {
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(DIR.resolve(name).toFile())) {
            List<JsonNode> all = new ArrayList<>(docs.readAll());
            all.removeIf(JsonNode::isNull);
            return all;
        }
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @Test
    void terminationGracePeriodCoversTheDrainOfTheConfiguredAgent() throws Exception {
        LaunchAgentConfig config = configMapConfig();
        long drain = new DrainTime(config.runner().maxRunTime(), config.runner().gracePeriod()).stopTimeoutSeconds();

        long grace = kind(deployment, "Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();

        assertThat(grace).isGreaterThanOrEqualTo(drain)
                .isGreaterThan(config.runner().maxRunTime().plus(config.runner().gracePeriod()).toSeconds());
    }

    @Test
    void probesUseTheAgentsHealthListener() throws Exception {
        String listen = configMapConfig().health().listen();
        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        JsonNode container = kind(deployment, "Deployment").at("/spec/template/spec/containers/0");

        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("health");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("health");
        assertThat(listen).startsWith("0.0.0.0:"); // reachable by the kubelet, not only on loopback
    }

    @Test
    void theTokenComesFromASecretThatTheExampleDefines() {
        JsonNode env = kind(deployment, "Deployment").at("/spec/template/spec/containers/0/env");
        JsonNode token = null;
        for (JsonNode variable : env) {
            if (variable.path("name").asText().equals("LAUNCH_AGENT_API_AUTH_TOKEN")) {
                token = variable.at("/valueFrom/secretKeyRef");
            }
        }
        assertThat(token).as("LAUNCH_AGENT_API_AUTH_TOKEN from a secretKeyRef").isNotNull();
        assertSecretHasKey(token.path("name").asText(), token.path("key").asText());
        assertThat(kind(deployment, "ConfigMap").toString()).doesNotContain("auth_token");
    }

    @Test
    void kedaScalesTheDeploymentOnUnclaimedTasks() {
        JsonNode scaled = kind(keda, "ScaledObject");
        JsonNode trigger = scaled.at("/spec/triggers/0");
        URI url = URI.create(trigger.at("/metadata/url").asText());

        assertThat(scaled.at("/spec/scaleTargetRef/name").asText())
                .isEqualTo(kind(deployment, "Deployment").at("/metadata/name").asText());
        assertThat(trigger.path("type").asText()).isEqualTo("metrics-api");
        assertThat(url.getPath()).isEqualTo("/api/v3/runner/tasks");
        assertThat(url.getQuery()).matches("resource-class=[a-z0-9_-]+/[A-Za-z0-9:_+-]+");
        assertThat(trigger.at("/metadata/valueLocation").asText()).isEqualTo("unclaimed_task_count");
        assertThat(Integer.parseInt(trigger.at("/metadata/targetValue").asText())).isPositive();

        JsonNode auth = kind(keda, "TriggerAuthentication");
        assertThat(trigger.at("/authenticationRef/name").asText()).isEqualTo(auth.at("/metadata/name").asText());
        assertThat(trigger.at("/metadata/authMode").asText()).isEqualTo("bearer");
        JsonNode secretRef = auth.at("/spec/secretTargetRef/0");
        assertThat(secretRef.path("parameter").asText()).isEqualTo("token");
        assertSecretHasKey(secretRef.path("name").asText(), secretRef.path("key").asText());
    }

    @Test
    void theServerAnswersTheScalersRequestWithTheUnclaimedTaskCount() throws Exception {
        JsonNode trigger = kind(keda, "ScaledObject").at("/spec/triggers/0");
        URI configured = URI.create(trigger.at("/metadata/url").asText());
        String resourceClass = configured.getQuery().substring("resource-class=".length());
        String namespace = resourceClass.substring(0, resourceClass.indexOf('/'));
        try (RunwayServer server = RunwayServer.start(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0))) {
            ManagementClient admin = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                    server.adminToken());
            admin.createNamespace(namespace, "org-" + namespace);
            admin.createResourceClass(resourceClass, "keda sample");
            admin.submitJob(JobSubmission.ofCommands(resourceClass, "waiting-1", "true"));
            admin.submitJob(JobSubmission.ofCommands(resourceClass, "waiting-2", "true"));

            // the token the sample's Secret asks for: read-only, of the namespace
            String readToken = admin.createApiToken("keda", "read", namespace).token();

            // What KEDA's metrics-api scaler sends in bearer mode: GET url, Authorization: Bearer <token>.
            URI url = server.uri().resolve(configured.getRawPath() + "?" + configured.getRawQuery());
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url)
                    .header("Authorization", "Bearer " + readToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.at("/" + trigger.at("/metadata/valueLocation").asText()).asLong()).isEqualTo(2);

            // and it can change nothing, should the Secret leak
            HttpResponse<String> change = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.uri().resolve("/api/v3/jobs/" + admin.listJobs(resourceClass, null, 1).items().get(0).id()
                            + "/cancel")).header("Authorization", "Bearer " + readToken)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(change.statusCode()).as(change.body()).isEqualTo(403);
        }
    }

    private static void assertSecretHasKey(String name, String key) {
        assertThat(secrets).as("secret " + name + " with key " + key).anySatisfy(secret -> {
            assertThat(secret.at("/metadata/name").asText()).isEqualTo(name);
            assertThat(secret.at("/stringData").has(key)).isTrue();
        });
    }

    /** The ConfigMap's launch-agent-config.yaml, loaded by the real loader with the token as the Secret gives it. */
    private LaunchAgentConfig configMapConfig() throws Exception {
        Path file = temp.resolve("launch-agent-config.yaml");
        Files.writeString(file, kind(deployment, "ConfigMap").at("/data/launch-agent-config.yaml").asText());
        return ConfigLoader.load(file, Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", "from-the-secret")).config();
    }
}
