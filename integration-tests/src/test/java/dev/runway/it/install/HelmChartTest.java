package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.config.ConfigLoader;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
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
 * deploy/helm/runway through a real helm (lint, template) and the rendered manifests through the Kubernetes and KEDA
 * schemas (deploy/helm/validate-manifests.cjs); then what the manifests point at is asked of a real server: the
 * probes' paths without a token, the KEDA trigger's URL with a read token. No cluster and no KEDA run here. The
 * tools come from deploy/helm/test-tools.sh (.ci/run calls it); without them these tests skip, saying so.
 */
class HelmChartTest {
    private static final Path CHART = Command.REPO.resolve("deploy/helm/runway");
    private static final Path TOOLS = Path.of(System.getenv().getOrDefault("RUNWAY_TEST_TOOLS",
            System.getProperty("user.home") + "/.cache/runway/test-tools"));
    private static final Path HELM = TOOLS.resolve("helm");

    @TempDir
    Path temp;

    @BeforeAll
    static void toolsAreThere() {
        assumeTrue(Files.isExecutable(HELM) && Files.isDirectory(TOOLS.resolve("schemas/node_modules")),
                "helm and the schemas are not installed in " + TOOLS + ": run deploy/helm/test-tools.sh");
    }

    @Test
    void helmLintsTheChartStrictly() throws Exception {
        Command.Result lint = new Command(HELM.toString(), "lint", "--strict", CHART.toString()).run();
        assertThat(lint.exit()).as(lint.all()).isZero();
        assertThat(lint.out()).contains("0 chart(s) failed");
    }

    @Test
    void everyRenderingValidatesAgainstTheSchemas() throws Exception {
        for (String[] values : List.of(new String[0],
                new String[] {"--set", "ingress.enabled=true,ingress.tlsSecret=web,server.tlsSecret=tls"},
                new String[] {"--set", "runner.keda.enabled=false"},
                new String[] {"--set", "runner.enabled=false"},
                new String[] {"--set", "server.blobs.storageClassName=nfs,server.blobs.size=200Gi"},
                new String[] {"--set", "server.blobs.existingClaim=team-blobs"})) {
            Path rendered = render(values);
            Command.Result check = validate(rendered);
            assertThat(check.exit()).as(String.join(" ", values) + ": " + check.all()).isZero();
        }
    }

    @Test
    void theSchemaCheckRefusesABrokenManifest() throws Exception {
        Command.Result check = validate(render("--set", "server.replicas=three"));
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("apps/v1/Deployment runway-server: data/spec/replicas must be integer");
    }

    @Test
    void serverReplicasProbeHealthzAndReadyzAndReadThePasswordFromASecret() throws Exception {
        List<JsonNode> docs = documents(render("--set", "server.replicas=4"));
        JsonNode server = named(docs, "Deployment", "runway-server");
        assertThat(server.at("/spec/replicas").asInt()).isEqualTo(4);
        JsonNode container = server.at("/spec/template/spec/containers/0");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(container.at("/readinessProbe/httpGet/port").asText())
                .isEqualTo(container.at("/ports/0/name").asText());
        assertThat(env(container, "RUNWAY_DATABASE_URL").path("value").asText()).startsWith("postgresql://");
        assertThat(env(container, "RUNWAY_DATABASE_PASSWORD").at("/valueFrom/secretKeyRef/name").asText())
                .isEqualTo("runway-database");
        assertThat(env(container, "RUNWAY_SECRETS_KEY").at("/valueFrom/secretKeyRef/key").asText())
                .isEqualTo("secrets-key");
        assertThat(container.path("args").toString()).doesNotContainIgnoringCase("password");

        JsonNode service = named(docs, "Service", "runway-server");
        assertThat(service.at("/spec/selector")).isEqualTo(server.at("/spec/selector/matchLabels"));
        assertThat(docs).noneMatch(doc -> doc.path("kind").asText().equals("Ingress"));
        assertThat(named(documents(render("--set", "ingress.enabled=true")), "Ingress", "runway-server")
                .at("/spec/rules/0/http/paths/0/backend/service/name").asText()).isEqualTo("runway-server");
    }

    @Test
    void everyReplicaMountsOneSharedBlobVolumeAtItsDataDirectorysBlobs() throws Exception {
        List<JsonNode> docs = documents(render("--set", "server.blobs.storageClassName=nfs"));
        JsonNode pod = named(docs, "Deployment", "runway-server").at("/spec/template/spec");
        JsonNode args = pod.at("/containers/0/args");
        String dataDir = null;
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).asText().equals("--data-dir")) {
                dataDir = args.get(i + 1).asText();
            }
        }
        String mountedAt = null;
        for (JsonNode mount : pod.at("/containers/0/volumeMounts")) {
            if (mount.path("name").asText().equals("blobs")) {
                mountedAt = mount.path("mountPath").asText();
            }
        }
        assertThat(mountedAt).as("the blob volume is the data directory's blobs/").isEqualTo(dataDir + "/blobs");
        String claim = null;
        for (JsonNode volume : pod.at("/volumes")) {
            if (volume.path("name").asText().equals("blobs")) {
                claim = volume.at("/persistentVolumeClaim/claimName").asText();
            }
        }
        JsonNode made = named(docs, "PersistentVolumeClaim", claim);
        assertThat(made.at("/spec/accessModes").toString()).isEqualTo("[\"ReadWriteMany\"]");
        assertThat(made.at("/spec/storageClassName").asText()).isEqualTo("nfs");

        List<JsonNode> existing = documents(render("--set", "server.blobs.existingClaim=team-blobs"));
        assertThat(existing).noneMatch(doc -> doc.path("kind").asText().equals("PersistentVolumeClaim"));
        assertThat(named(existing, "Deployment", "runway-server").at("/spec/template/spec/volumes").toString())
                .contains("\"claimName\":\"team-blobs\"");
    }

    @Test
    void theRunnersConfigPointsAtTheServiceAndItsGraceCoversTheDrain() throws Exception {
        List<JsonNode> docs = documents(render());
        Path file = temp.resolve("launch-agent-config.yaml");
        Files.writeString(file, named(docs, "ConfigMap", "runway-runner").at("/data/launch-agent-config.yaml")
                .asText());
        LaunchAgentConfig config = ConfigLoader.load(file, Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", "from-the-secret"))
                .config();
        JsonNode service = named(docs, "Service", "runway-server");
        assertThat(config.api().url()).hasToString("http://runway-server.ci.svc:"
                + service.at("/spec/ports/0/port").asInt());
        JsonNode runner = named(docs, "Deployment", "runway-runner");
        assertThat(runner.at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
                .isGreaterThan(config.runner().maxRunTime().plus(config.runner().gracePeriod()).toSeconds());
        assertThat(runner.at("/spec/replicas").isMissingNode()).as("KEDA owns the replica count").isTrue();
    }

    @Test
    void aRealServerAnswersTheProbesAndTheScalersRequest() throws Exception {
        List<JsonNode> docs = documents(render());
        JsonNode container = named(docs, "Deployment", "runway-server").at("/spec/template/spec/containers/0");
        JsonNode trigger = named(docs, "ScaledObject", "runway-runner").at("/spec/triggers/0");
        URI configured = URI.create(trigger.at("/metadata/url").asText());
        String resourceClass = configured.getQuery().substring("resource-class=".length());
        String namespace = resourceClass.substring(0, resourceClass.indexOf('/'));
        HttpClient http = HttpClient.newHttpClient();
        try (RunwayServer server = RunwayServer.start(new ServerSettings(temp.resolve("data"), "127.0.0.1", 0))) {
            for (String probe : List.of("/livenessProbe", "/readinessProbe", "/startupProbe")) {
                URI url = server.uri().resolve(container.at(probe + "/httpGet/path").asText());
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(probe + " without a token: " + answer.body()).isEqualTo(200);
            }
            ManagementClient admin = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                    server.adminToken());
            admin.createNamespace(namespace, "org-" + namespace);
            admin.createResourceClass(resourceClass, "helm chart");
            admin.submitJob(JobSubmission.ofCommands(resourceClass, "waiting", "true"));
            String readToken = admin.createApiToken("keda", "read", namespace).token();
            URI url = server.uri().resolve(configured.getRawPath() + "?" + configured.getRawQuery());
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                    .header("Authorization", "Bearer " + readToken).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(response.body())
                    .at("/" + trigger.at("/metadata/valueLocation").asText()).asLong()).isEqualTo(1);
        }
    }

    private Path render(String... values) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(HELM.toString(), "template", "runway", CHART.toString(),
                "--namespace", "ci"));
        argv.addAll(List.of(values));
        Command.Result result = new Command(argv.toArray(String[]::new)).run();
        assertThat(result.exit()).as(result.all()).isZero();
        Path file = Files.createTempFile(temp, "rendered", ".yaml");
        Files.writeString(file, result.out());
        return file;
    }

    private static Command.Result validate(Path rendered) throws IOException, InterruptedException {
        return new Command("node", Command.REPO.resolve("deploy/helm/validate-manifests.cjs").toString(),
                rendered.toString()).env("NODE_PATH", TOOLS.resolve("schemas/node_modules").toString()).run();
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> all = new ArrayList<>(docs.readAll());
            all.removeIf(doc -> doc == null || doc.isNull() || doc.isMissingNode());
            return all;
        }
    }

    private static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(doc -> doc.path("kind").asText().equals(kind)
                && doc.at("/metadata/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no environment variable " + name);
    }
}
