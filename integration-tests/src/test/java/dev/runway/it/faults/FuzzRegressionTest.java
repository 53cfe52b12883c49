package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.agent.WorkingDirectories;
import dev.runway.it.support.TestLogs;
import dev.runway.protocol.JobsApi;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs the fuzz targets found crashing, kept as regression tests (each fixed in its owning module). */
class FuzzRegressionTest {

    /** JobDefinitionFuzzTest, seed 101: the body {@code null} read as a null submission, then a NullPointerException. */
    @Test
    void aNullBodyIsMalformedNotANullValue() {
        byte[] body = "null".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.read(body, JobSubmission.class)).isInstanceOf(IOException.class)
                .hasMessageContaining("not null");
        assertThatThrownBy(() -> Json.read(body, RunnerApi.StepResult.class)).isInstanceOf(IOException.class);
    }

    @Test
    void theServerAnswersANullJobWith400(@TempDir Path home) throws Exception {
        TestLogs.quiet();
        try (RunwayServer server = RunwayServer.start(new ServerSettings(home, "127.0.0.1", 0))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.uri() + JobsApi.JOBS)).header("Circle-Token", server.adminToken())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("null"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("message");
        }
    }

    /** WorkingDirectoryFuzzTest, seed 303: lone surrogates hashed through UTF-8 all became '?', one directory. */
    @Test
    void loneSurrogatesGetDirectoriesOfTheirOwn() {
        assertThat(WorkingDirectories.safeValue("\ud800")).isNotEqualTo(WorkingDirectories.safeValue("\udfff"));
        assertThat(WorkingDirectories.safeValue("a\ud800b")).isNotEqualTo(WorkingDirectories.safeValue("a?b"))
                .isNotEqualTo(WorkingDirectories.safeValue("a\udbffb"));
    }
}
