package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
}
