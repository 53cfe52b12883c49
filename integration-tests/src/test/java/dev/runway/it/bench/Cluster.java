package dev.runway.it.bench;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.ServerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** {@code runway server} of the built image as a process of its own, with a namespace for the benchmark. */
final class Cluster implements AutoCloseable {
    static final String NAMESPACE = "bench";

    final ServerProcess server;
    final ManagementClient management;
    final PipelinesClient pipelines;

    private Cluster(ServerProcess server, ManagementClient management, PipelinesClient pipelines) {
        this.server = server;
        this.management = management;
        this.pipelines = pipelines;
    }

    static Cluster start(Path directory) throws Exception {
        return start(directory, java.util.List.of());
    }

    /** As {@link #start(Path)}, with further options for the server (e.g. {@code --rate-limit N}). */
    static Cluster start(Path directory, java.util.List<String> arguments) throws Exception {
        Files.createDirectories(directory);
        ServerProcess server = ServerProcess.start(java.util.List.of(), directory.resolve("data"),
                directory.resolve("server.log"), "127.0.0.1", 0, "60s", arguments, java.util.Map.of());
        try {
            ManagementClient management = server.management(URI.create("http://127.0.0.1:" + server.port()));
            management.createNamespace(NAMESPACE, UUID.randomUUID().toString());
            return new Cluster(server, management, new PipelinesClient(new HttpTransport(
                    URI.create("http://127.0.0.1:" + server.port()), Duration.ofSeconds(20)), server.adminToken()));
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    String apiUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    URI uri() {
        return URI.create(apiUrl());
    }

    /** Creates resource class {@code bench/NAME} and answers a token of it. */
    String resourceClassToken(String name) throws Exception {
        management.createResourceClass(resourceClass(name), "benchmark");
        return management.createToken(resourceClass(name), "bench").token();
    }

    static String resourceClass(String name) {
        return NAMESPACE + "/" + name;
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }

    @Override
    public String toString() {
        return "runway server pid " + server.pid() + " on " + apiUrl();
    }
}
