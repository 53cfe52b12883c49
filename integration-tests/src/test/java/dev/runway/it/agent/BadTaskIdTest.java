package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that hands out a task id outside the protocol's syntax (a fake one, in this test): the launch agent
 * refuses the claim as a protocol error, never puts the id in a request path, and leaves no directory or state file.
 */
class BadTaskIdTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../../../admin", "a task", "$(touch /tmp/x)", "t/../x", ""})
    void aTaskIdOutsideTheSyntaxIsAProtocolErrorAndLeavesNothingBehind(String taskId, @TempDir Path home)
            throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        CountDownLatch twoClaims = new CountDownLatch(2);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String claim = "{\"task_id\":\"" + taskId.replace("\"", "\\\"") + "\",\"allocation\":\"alloc-1\","
                + "\"task_token\":\"ttk_fake\",\"job_id\":\"job-1\",\"job_name\":\"bad\","
                + "\"max_run_time_seconds\":60,\"lease_seconds\":15}";
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            exchange.getRequestBody().readAllBytes();
            boolean isClaim = exchange.getRequestURI().getRawPath().equals("/api/v3/runner/claim");
            byte[] body = (isClaim ? claim : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            if (isClaim) {
                twoClaims.countDown();
            }
        });
        server.start();
        Path directory = Files.createDirectories(home.resolve("agent"));
        Path config = directory.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: rc-token-for-a-fake-server\n  url: http://127.0.0.1:"
                + server.getAddress().getPort() + "\nrunner:\n  name: fake\n  launcher: process\n"
                + "  working_directory: " + directory.resolve("work") + "/%s\n  standby_timeout: 0\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path log = directory.resolve("agent.log");
        Process process = new ProcessBuilder(AgentHarness.RUNWAY.toString(), "launch-agent", "--config",
                config.toString(), "--state-dir", directory.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AgentProcess agent = new AgentProcess(process, log, directory);
        try {
            assertThat(twoClaims.await(30, TimeUnit.SECONDS)).as(agent.logText()).isTrue();
            agent.signal("TERM");
            assertThat(agent.awaitExit(Duration.ofSeconds(30))).as(agent.logText()).isNotNull();

            assertThat(agent.logText()).contains("protocol error").contains("task_id");
            assertThat(requests).as("only claims: the id never reaches a request path")
                    .allMatch(request -> request.equals("POST /api/v3/runner/claim"));
            assertThat(entries(directory.resolve("work"))).as("task directories left").isEmpty();
            assertThat(entries(directory.resolve("state/tasks"))).as("state files left").isEmpty();
        } finally {
            agent.killTree();
            server.stop(0);
        }
    }

    private static List<Path> entries(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }
}
