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
 * What of the launch agent's environment reaches a job: an allow-list (PATH, HOME, locale, time zone, proxies, CA
 * files) and the names runner.environment lists; nothing else, whatever it is called.
 */
class JobEnvironmentTest {

    @Test
    void onlyTheAllowListAndRunnerEnvironmentReachAJob(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("allowlist", "environment: [BUILD_CACHE_URL]\n", "",
                    Map.of("DATABASE_PASSWORD", "agent-only-secret", "AWS_SECRET_ACCESS_KEY", "agent-only-key",
                            "LANG", "C.UTF-8", "LC_TIME", "C", "TZ", "UTC", "BUILD_CACHE_URL", "http://cache.invalid",
                            "SSL_CERT_DIR", "/etc/ssl/certs"));
            JobStatus job = harness.submit("env", "env | sort");

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(60));
            assertThat(done.state()).as(agent.logText()).isEqualTo(JobState.SUCCESS);

            String output = harness.output(job.id(), 0);
            assertThat(output).doesNotContain("agent-only-secret", "agent-only-key", "DATABASE_PASSWORD",
                    "AWS_SECRET_ACCESS_KEY");
            assertThat(output).contains("LANG=C.UTF-8", "LC_TIME=C", "TZ=UTC", "BUILD_CACHE_URL=http://cache.invalid",
                    "SSL_CERT_DIR=/etc/ssl/certs", "PATH=");
            agent.killTree();
        }
    }
}
