package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook secrets, context variables and project variables are sealed at rest with the server's key: neither the
 * value nor its base64 is in any file of the data directory, and the rows hold only sealed text. Rows an earlier
 * release wrote as base64 still read, and are sealed on the next start.
 */
class StoredSecretValuesTest {
    private static final String CONTEXT_VALUE = "context-VALUE-5501";
    private static final String PROJECT_VALUE = "project-VALUE-7702";
    private static final String WEBHOOK_SECRET = "webhook-SECRET-3303";
    private static final String LEGACY_VALUE = "legacy-VALUE-4404";

    @TempDir
    Path temp;

    @Test
    void valuesAreSealedInTheDatabaseAndBase64RowsAreSealedOnStart() throws Exception {
        Path repo = PipelineFlowTest.repository(Files.createDirectories(temp.resolve("repo")), """
                version: 2.1
                jobs: {a: {machine: true, resource_class: acme/linux, steps: [{run: "true"}]}}
                workflows: {w: {jobs: [a]}}
                """);
        Path data = temp.resolve("data");
        String contextId;
        try (TestServer server = new TestServer(data)) {
            server.resourceClassToken();
            String admin = server.server.adminToken();
            server.send("POST", "/api/v3/projects", admin, "{\"namespace\": \"acme\", \"repository_url\": \"" + repo
                    + "\", \"name\": \"app\"}");
            contextId = Json.mapper().readTree(server.send("POST", "/api/v2/context", admin,
                    "{\"name\": \"keys\"}").body()).get("id").asText();
            ok(server.send("PUT", "/api/v2/context/" + contextId + "/environment-variable/CONTEXT_VAR", admin,
                    "{\"value\": \"" + CONTEXT_VALUE + "\"}"));
            ok(server.send("POST", "/api/v2/project/gh%2Facme%2Fapp/envvar", admin,
                    "{\"name\": \"PROJECT_VAR\", \"value\": \"" + PROJECT_VALUE + "\"}"));
            ok(server.send("PUT", "/api/v3/projects/gh%2Facme%2Fapp/webhook-secret", admin,
                    Json.writeString(Map.of("secret", WEBHOOK_SECRET))));
        }
        for (String value : List.of(CONTEXT_VALUE, PROJECT_VALUE, WEBHOOK_SECRET)) {
            assertThat(DataAtRestTest.everyFileHolding(data, value)).as("files holding %s", value).isEmpty();
            assertThat(DataAtRestTest.everyFileHolding(data, base64(value))).as("files holding %s as base64", value)
                    .isEmpty();
        }
        assertThat(storedValues(data)).hasSize(3).allSatisfy(stored -> assertThat(stored).startsWith("aesgcm1:"));

        // a row as an earlier release wrote it: base64 only
        try (Connection db = connect(data); Statement sql = db.createStatement()) {
            sql.executeUpdate("INSERT INTO context_variables (context_id, name, value_enc, created_at, updated_at)"
                    + " VALUES ('" + contextId + "', 'LEGACY_VAR', '" + base64(LEGACY_VALUE) + "', 0, 0)");
        }
        // the next start seals it
        new TestServer(data).close();
        assertThat(storedValues(data)).hasSize(4).allSatisfy(stored -> assertThat(stored).startsWith("aesgcm1:"));
        assertThat(DataAtRestTest.everyFileHolding(data, base64(LEGACY_VALUE))).as("the base64 row is gone, compacted")
                .isEmpty();
        try (TestServer server = new TestServer(data)) {
            String listed = server.send("GET", "/api/v2/context/" + contextId + "/environment-variable",
                    server.server.adminToken(), null).body();
            assertThat(listed).contains("LEGACY_VAR", "CONTEXT_VAR").doesNotContain(LEGACY_VALUE);
        }
    }

    private static void ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static Connection connect(Path data) throws SQLException {
        return new org.h2.Driver().connect("jdbc:h2:file:" + data.resolve("runway").toAbsolutePath()
                + ";WRITE_DELAY=0", new Properties());
    }

    /** Every value_enc, read from the tables themselves. */
    private static List<String> storedValues(Path data) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection db = connect(data); Statement sql = db.createStatement()) {
            for (String table : List.of("webhook_secrets", "context_variables", "project_variables")) {
                try (ResultSet rows = sql.executeQuery("SELECT value_enc FROM " + table)) {
                    while (rows.next()) {
                        values.add(rows.getString(1));
                    }
                }
            }
        }
        return values;
    }
}
