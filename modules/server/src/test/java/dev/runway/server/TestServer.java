package dev.runway.server;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A real server on an ephemeral loopback port, with helpers to set up a resource class and token. */
final class TestServer implements AutoCloseable {
    static final String RESOURCE_CLASS = "acme/linux";
    final RunwayServer server;
    final HttpTransport transport;
    final ManagementClient admin;
    final HttpClient http = HttpClient.newHttpClient();

    TestServer(Path dataDir) {
        this(new ServerSettings(dataDir, "127.0.0.1", 0));
    }

    TestServer(ServerSettings settings) {
        this(settings, dev.runway.server.pipeline.PipelineSettings.defaults());
    }

    TestServer(ServerSettings settings, dev.runway.server.pipeline.PipelineSettings pipelines) {
        server = RunwayServer.start(settings, pipelines);
        transport = new HttpTransport(server.uri(), Duration.ofSeconds(10));
        admin = new ManagementClient(transport, server.adminToken());
    }

    /** Namespace acme, class acme/linux, and a token for it. */
    String resourceClassToken() throws Exception {
        if (admin.listResourceClasses("acme").items().isEmpty()) {
            try {
                admin.createNamespace("acme", "github/acme");
            } catch (dev.runway.client.ApiException e) {
                // already there
            }
            admin.createResourceClass(RESOURCE_CLASS, "test machines");
        }
        return admin.createToken(RESOURCE_CLASS, "test").token();
    }

    RunnerClient runner(String token) {
        return new RunnerClient(transport, token);
    }

    static ClaimRequest claimRequest(String name, int waitSeconds) {
        return new ClaimRequest(name, "host-" + name, "0.1.0", "linux", "amd64", 1, waitSeconds);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
