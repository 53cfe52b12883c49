package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops {@code bin/runway server} gracefully: held claims end with no task, then the process exits. */
class ServerSigtermTest {
    @TempDir
    Path home;

    @Test
    void sigtermEndsHeldClaimsAndStops() throws Exception {
        try (ImageServer fixture = ImageServer.start(home, "60s")) {
            ManagementClient admin = fixture.admin();
            admin.createNamespace("acme", "github/acme");
            admin.createResourceClass("acme/linux", "");
            RunnerClient runner = fixture.runner(admin.createToken("acme/linux", "t").token());
            CompletableFuture<Optional<ClaimResponse>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.claim(ImageServer.claim("idle", 55));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the claim is recorded just before it waits; a claim that would wait once the server closes does not
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.listRunnersOfResourceClass("acme/linux").items(), items -> !items.isEmpty());
            long start = System.nanoTime();
            ProcessHandle.of(fixture.server.pid()).orElseThrow().destroy(); // SIGTERM
            assertThat(held.get(30, TimeUnit.SECONDS)).as("the held claim ends with no task").isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !fixture.server.isAlive());
            assertThat(Files.readString(fixture.server.log())).contains("runway server stopped");
        }
    }
}
