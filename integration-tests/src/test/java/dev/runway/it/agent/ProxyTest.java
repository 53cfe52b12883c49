package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network between agents and server as companies have it. Behind a proxy (HTTP_PROXY, as CircleCI's agent reads
 * it), the launch agent and the task agents it starts reach the server only through it: the server's host name
 * resolves nowhere, so every request that arrives came that way. Behind a TLS front whose certificate a company CA
 * signed, both trust it once SSL_CERT_FILE names that CA.
 */
class ProxyTest {
    @Test
    void theLaunchAgentAndItsTaskAgentsGoThroughTheProxy(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home); Forwarder proxy = new Forwarder(harness.port())) {
            String hiddenServer = "http://runway-server.invalid:" + harness.port();
            AgentProcess agent = harness.launchAgent("proxied", "", "", Map.of("LAUNCH_AGENT_API_URL", hiddenServer,
                    "HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "example.com,10.0.0.0/8"));

            JobStatus job = harness.submit("proxied", "echo through the proxy");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));

            assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(harness.output(job.id(), 0)).isEqualTo("through the proxy\n");
            assertThat(proxy.requests).as("the launch agent's claims").anyMatch(r -> r.endsWith("/runner/claim"));
            assertThat(proxy.requests).as("the task agent's step output")
                    .anyMatch(r -> r.startsWith("POST " + hiddenServer) && r.contains("/steps/0/output"));
            assertThat(java.nio.file.Files.readString(agent.log())).contains("through proxy 127.0.0.1:" + proxy.port() + " (HTTP_PROXY)");
        }
    }

    @Test
    void bothTrustATlsFrontSignedByTheCaThatSslCertFileNames(@TempDir Path home) throws Exception {
        Path keys = java.nio.file.Files.createDirectories(home.resolve("keys"));
        javax.net.ssl.SSLContext front = CompanyCa.serverContext(keys);
        try (AgentHarness harness = AgentHarness.start(home); Forwarder tls = new Forwarder(harness.port(), front)) {
            String frontUrl = "https://127.0.0.1:" + tls.port();
            AgentProcess agent = harness.launchAgent("behind-tls", "", "", Map.of("LAUNCH_AGENT_API_URL", frontUrl,
                    "SSL_CERT_FILE", keys.resolve("ca.pem").toString()));

            JobStatus job = harness.submit("behind-tls", "echo over TLS");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(40));

            assertThat(done.state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
            assertThat(harness.output(job.id(), 0)).isEqualTo("over TLS\n");
            assertThat(tls.requests).as("the launch agent's claims").anyMatch(r -> r.endsWith("/runner/claim"));
            assertThat(tls.requests).as("the task agent's step output").anyMatch(r -> r.contains("/steps/0/output"));
            assertThat(java.nio.file.Files.readString(agent.log())).contains("API " + frontUrl);
        }
    }

    /** A forwarding HTTP proxy: takes absolute-form requests and sends them on to the server on loopback. */
    private static final class Forwarder implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;
        private final int upstreamPort;

        Forwarder(int upstreamPort) throws IOException {
            this(upstreamPort, null);
        }

        /** With {@code tls}: a TLS front (a reverse proxy) that takes origin-form requests. */
        Forwarder(int upstreamPort, javax.net.ssl.SSLContext tls) throws IOException {
            this.upstreamPort = upstreamPort;
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } else {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                        new InetSocketAddress("127.0.0.1", 0), 0);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                server = https;
            }
            server.createContext("/", this::forward);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void forward(HttpExchange exchange) throws IOException {
            // a proxy gets http://runway-server.invalid:PORT/path?query, a TLS front /path?query
            URI target = exchange.getRequestURI();
            requests.add(exchange.getRequestMethod() + " " + target);
            String pathAndQuery = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            HttpURLConnection upstream = (HttpURLConnection) new URL("http://127.0.0.1:" + upstreamPort + pathAndQuery)
                    .openConnection(Proxy.NO_PROXY);
            upstream.setRequestMethod(exchange.getRequestMethod());
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Host") && !name.toLowerCase().startsWith("proxy-")
                        && !name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Content-Length")) {
                    values.forEach(value -> upstream.addRequestProperty(name, value));
                }
            });
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (body.length > 0 || exchange.getRequestMethod().equals("POST")) {
                upstream.setDoOutput(true);
                try (OutputStream out = upstream.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = upstream.getResponseCode();
            byte[] answer;
            try (InputStream in = status >= 400 ? upstream.getErrorStream() : upstream.getInputStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            upstream.getHeaderFields().forEach((name, values) -> {
                if (name != null && !name.equalsIgnoreCase("Transfer-Encoding")
                        && !name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Connection")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
