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
        server = new LoopbackServer(LoopbackServer::echo);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpTransport transportVia(ForwardingProxy proxy, String userInfo) {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTP_PROXY",
                "http://" + userInfo + "127.0.0.1:" + proxy.port()));
        return new HttpTransport(java.net.URI.create("http://" + SERVER_HOST + ":" + server.uri().getPort()),
                Duration.ofSeconds(5), settings, TlsTrust.fromEnvironment(Map.of()));
    }

    @Test
    void bothPathsGoThroughTheProxy() throws Exception {
        try (ForwardingProxy proxy = new ForwardingProxy(server.uri().getPort(), null)) {
            String answers = LoopbackServer.exchangeBothWays(transportVia(proxy, ""));
            assertThat(answers).isEqualTo("{\"got\":\"POST /blocking 3\"}{\"got\":\"GET /async 0\"}");
            String server = "http://" + SERVER_HOST + ":" + this.server.uri().getPort();
            assertThat(proxy.requests).containsExactly("POST " + server + "/blocking HTTP/1.1 -",
                    "GET " + server + "/async HTTP/1.1 -");
        }
    }

    @Test
    void aProxyThatAsksForCredentialsGetsThoseOfItsVariable() throws Exception {
        try (ForwardingProxy proxy = new ForwardingProxy(server.uri().getPort(), "runner:s3cr@t")) {
            String answers = LoopbackServer.exchangeBothWays(transportVia(proxy, "runner:s3cr%40t@"));
            assertThat(answers).contains("POST /blocking 3", "GET /async 0");
            String basic = "Basic " + Base64.getEncoder().encodeToString("runner:s3cr@t".getBytes(
                    StandardCharsets.UTF_8));
            List<String> answered = proxy.requests.stream().filter(r -> r.endsWith(basic)).toList();
            assertThat(answered).hasSize(2);
        }
    }
}
