package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.BlobsApi;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.TriggersApi;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/protocol-openapi.yaml, the server's routes, the path builders and the wire records agree. */
class OpenApiDocumentTest {
    private static final Path DOCUMENT = Path.of(System.getProperty("runway.repo", "../.."))
            .resolve("docs/protocol-openapi.yaml");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    private static JsonNode document() throws IOException {
        return new YAMLMapper().readTree(DOCUMENT.toFile());
    }

    /** "METHOD /path/{param}" for every operation of the document. */
    private static Set<String> documentedOperations() throws IOException {
        Set<String> operations = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return operations;
    }

    @Test
    void everyRouteIsDocumentedAndNothingElse(@TempDir Path data) throws IOException {
        Set<String> served;
        try (RunwayServer server = RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0))) {
            served = new TreeSet<>(server.routes());
        }
        assertThat(served).hasSize(126);
        assertThat(documentedOperations()).isEqualTo(served);
    }

    @Test
    void pathBuildersMakeTheDocumentedPaths() throws IOException {
        Set<String> paths = new HashSet<>();
        // API v2's paths (pipelines, and the management API's legacy aliases) are CircleCI's, checked against the
        // routes above
        document().get("paths").fieldNames().forEachRemaining(path -> {
            if (!path.startsWith(PipelinesApi.V2)) {
                paths.add(path);
            }
        });
        String task = "{task}";
        Set<String> built = Set.of(ApiPaths.CLAIM, ApiPaths.taskJob(task), ApiPaths.heartbeat(task),
                step(ApiPaths.stepStart(task, 7)), step(ApiPaths.stepOutput(task, 7)),
                step(ApiPaths.stepResult(task, 7)), ApiPaths.taskResult(task), ApiPaths.unclaim(task),
                ApiPaths.fail(task), ManagementApi.NAMESPACES, ManagementApi.namespace("{id}"),
                ManagementApi.namespaceRename("{id}"), ManagementApi.RESOURCE_CLASSES,
                ManagementApi.resourceClass("{id}"), ManagementApi.resourceClassForce("{id}"), ManagementApi.dispatch("{id}"),
                ManagementApi.TOKENS,
                ManagementApi.token("{id}"), ManagementApi.RUNNERS, ManagementApi.UNCLAIMED_TASKS,
                ManagementApi.RUNNING_TASKS, JobsApi.JOBS, JobsApi.job("{id}"), JobsApi.cancel("{id}"),
                step(JobsApi.stepOutput("{id}", 7)), PipelinesApi.PROJECTS, PipelinesApi.project("{project}"),
                ManagementApi.API_TOKENS, ManagementApi.apiToken("{id}"), TriggersApi.webhookSecret("{project}"),
                step(ApiPaths.testResults(task, 7)), ApiPaths.testTimings(task), ApiPaths.sshKeys(task), ApiPaths.gitMirror(task) + "/info/refs",
                ApiPaths.gitMirror(task) + "/git-upload-pack",
                dev.runway.protocol.TestsApi.sshKeys("{project}"), TriggersApi.poll("{project}"),
                ApiPaths.HEALTHZ, ApiPaths.READYZ, ApiPaths.METRICS,
                ApiPaths.blobUpload(task, "{sha256}"), ApiPaths.blob(task, "{sha256}"), ApiPaths.blobStream(task, "{upload}"), ApiPaths.caches(task),
                ApiPaths.workspace(task), ApiPaths.artifacts(task), BlobsApi.GC,
                BlobsApi.artifactRetention("{project}"));
        assertThat(paths).containsExactlyInAnyOrderElementsOf(built);
    }

    private static String step(String path) {
        return path.replace("/steps/7/", "/steps/{step}/");
    }

    @Test
    void schemasHaveExactlyTheirRecordsFields() throws Exception {
        PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> schemas = document().at("/components/schemas").fields();
                schemas.hasNext(); ) {
            Map.Entry<String, JsonNode> schema = schemas.next();
            JsonNode record = schema.getValue().get("x-record");
            if (record == null) {
                continue;
            }
            RecordComponent[] components = Class.forName(record.asText()).getRecordComponents();
            Set<String> fields = Arrays.stream(components).map(c -> snake.translate(c.getName()))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> documented = new TreeSet<>();
            schema.getValue().get("properties").fieldNames().forEachRemaining(documented::add);
            assertThat(documented).as("properties of schema %s (%s)", schema.getKey(), record.asText())
                    .isEqualTo(fields);
            checked++;
        }
        assertThat(checked).isGreaterThan(25);
    }
}
