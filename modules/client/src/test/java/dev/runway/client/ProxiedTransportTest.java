package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both of the transport's paths (java.net.http, and the blocking one the task agent uses) go through the proxy the
 * environment names. The server's host name resolves nowhere: only the proxy can reach it.
 */
class ProxiedTransportTest {
    private static final String SERVER_HOST = "runway-server.invalid";
    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackServer(exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            LoopbackServer.reply(exchange, 200, ("{\"got\":\"" + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI() + " " + body.length + "\"}").getBytes(StandardCharsets.UTF_8));
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpTransport transportVia(ForwardingProxy proxy, String userInfo) {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTP_PROXY",
                "http://" + userInfo + "127.0.0.1:" + proxy.port()));
        return new HttpTransport(java.net.URI.create("http://" + SERVER_HOST + ":" + server.uri().getPort()),
                Duration.ofSeconds(5), settings);
    }

    private static String exchangeBothWays(HttpTransport transport) throws Exception {
        byte[] blocking = transport.postBytes("/blocking", "Authorization", "t0ken-value", "abc".getBytes(
                StandardCharsets.UTF_8), 3, RetryPolicy.NONE, byte[].class);
        byte[] async = transport.sendForJson(() -> transport.request("/async", "Authorization", "t0ken-value").GET()
                .build(), RetryPolicy.NONE, Duration.ZERO, byte[].class);
        return new String(blocking, StandardCharsets.UTF_8) + new String(async, StandardCharsets.UTF_8);
    }

    @Test
    void bothPathsGoThroughTheProxy() throws Exception {
        try (ForwardingProxy proxy = new ForwardingProxy(server.uri().getPort(), null)) {
            String answers = exchangeBothWays(transportVia(proxy, ""));
            assertThat(answers).isEqualTo("{\"got\":\"POST /blocking 3\"}{\"got\":\"GET /async 0\"}");
            String server = "http://" + SERVER_HOST + ":" + this.server.uri().getPort();
            assertThat(proxy.requests).containsExactly("POST " + server + "/blocking HTTP/1.1 -",
                    "GET " + server + "/async HTTP/1.1 -");
        }
    }

    @Test
    void aProxyThatAsksForCredentialsGetsThoseOfItsVariable() throws Exception {
        try (ForwardingProxy proxy = new ForwardingProxy(server.uri().getPort(), "runner:s3cr@t")) {
            String answers = exchangeBothWays(transportVia(proxy, "runner:s3cr%40t@"));
            assertThat(answers).contains("POST /blocking 3", "GET /async 0");
            String basic = "Basic " + Base64.getEncoder().encodeToString("runner:s3cr@t".getBytes(
                    StandardCharsets.UTF_8));
            List<String> answered = proxy.requests.stream().filter(r -> r.endsWith(basic)).toList();
            assertThat(answered).hasSize(2);
        }
    }
}
