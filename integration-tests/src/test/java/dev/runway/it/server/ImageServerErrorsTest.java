package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi;
import dev.runway.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's server names the field and the JSON shape a malformed request got wrong, never a Java type. */
class ImageServerErrorsTest {
    @Test
    void aWrongShapeIsNamedInJsonTermsByTheImagesServer(@TempDir Path home) throws Exception {
        try (ImageServer server = ImageServer.start(home, "60s")) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.uri() + JobsApi.JOBS))
                    .header("Authorization", "Bearer " + server.adminToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"resource_class\":\"acme/linux\",\"steps\":{\"run\":\"x\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(400);
            String message = Json.mapper().readTree(answer.body()).get("message").asText();
            assertThat(message).isEqualTo("steps: expected a list").doesNotContain("java.");
        }
    }
}
