package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.it.faults.FaultJob.Kind;
import dev.runway.it.faults.FaultRun.Fault;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The server's data directory and the agent's working directories each on a small tmpfs (8 MiB, under target/)
 * that is filled to the last byte at random moments and freed a few seconds later, while jobs write output and
 * files. Skips, saying why, where a tmpfs cannot be mounted (not root).
 */
class FullDiskTest {

    /**
     * Regression: H2 closed the database after a write failed on the full disk and the server answered 500 to every
     * call until restarted. Now it answers again once there is room, and what it acknowledged before is still there.
     */
    @Test
    void theServerAnswersAgainOnceItsDiskHasRoom() throws Exception {
        assumeTmpfs();
        Path home = FaultSeeds.home("server-disk", 0);
        try (FaultCluster cluster = new FaultCluster(home, new FaultTally())) {
            cluster.serverDisk = TmpfsMount.mount(home.resolve("server-disk"), "8m");
            cluster.startServer(List.of(), cluster.serverDisk.path().resolve("data"), "127.0.0.1");
            cluster.provision(URI.create("http://127.0.0.1:" + cluster.server.port()));
            FaultJob job = FaultJob.random(new java.util.Random(1), "before", List.of(Kind.LINES));
            String acknowledged = cluster.management.submitJob(job.submission(FaultCluster.RESOURCE_CLASS)).id();
            cluster.serverDisk.fill();
            int refused = 0;
            for (int i = 0; i < 20; i++) {
                try {
                    cluster.management.submitJob(job.submission(FaultCluster.RESOURCE_CLASS));
                } catch (dev.runway.client.ApiException full) {
                    refused++;
                }
            }
            cluster.serverDisk.free();
            assertThat(refused).as("the full disk refused writes").isPositive();
            assertThat(cluster.awaitServer(Duration.ofSeconds(10))).as("the server answers again").isTrue();
            assertThat(cluster.management.submitJob(job.submission(FaultCluster.RESOURCE_CLASS)).id()).isNotBlank();
            assertThat(cluster.management.jobStatus(acknowledged).name()).isEqualTo(job.name());
        }
    }

    @Test
    void fullDisksLoseNothingAcknowledged() throws Exception {
        assumeTmpfs();
        long seed = FaultSeeds.seed("full disk", 20261131L);
        boolean longRun = FaultSeeds.longProfile();
        int rounds = longRun ? FaultSeeds.rounds(10) : 1;
        FaultTally total = new FaultTally();
        java.util.Random seeds = new java.util.Random(seed);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = round == 0 ? seed : seeds.nextLong();
            FaultTally tally = new FaultTally();
            Path home = FaultSeeds.home("disk", roundSeed);
            try (FaultCluster cluster = new FaultCluster(home, tally)) {
                // big enough for all the output of the run (only the filler may fill it), small enough to fill fast
                String size = longRun ? "32m" : "8m";
                cluster.serverDisk = TmpfsMount.mount(home.resolve("server-disk"), size);
                cluster.workDisks.add(TmpfsMount.mount(home.resolve("agent").resolve("work"), size));
                cluster.startServer(List.of(), cluster.serverDisk.path().resolve("data"), "127.0.0.1");
                cluster.provision(URI.create("http://127.0.0.1:" + cluster.server.port()));
                cluster.addAgent(List.of(), home.resolve("agent"), "disk", "http://127.0.0.1:" + cluster.server.port(),
                        2);
                FaultRun.Settings settings = new FaultRun.Settings(longRun ? 20 : 4,
                        List.of(Kind.LINES, Kind.SLOW_LINES, Kind.BINARY, Kind.WRITE_FILES, Kind.MULTI_STEP),
                        EnumSet.of(Fault.FILL_SERVER_DISK, Fault.FILL_WORK_DISK), longRun ? 10 : 2, 0, 2,
                        Duration.ofSeconds(120));
                new FaultRun(cluster, roundSeed, settings).run();
            }
            System.out.println("[faults] full disk round " + (round + 1) + "/" + rounds + " (seed " + roundSeed
                    + "): " + tally.summary());
            total.add(tally);
        }
        FaultReport.write("full disk", seed, rounds, total);
        assertThat(total.violations()).as(total.summary()).isEmpty();
        assertThat(total.injectedTotal()).isPositive();
    }

    private static void assumeTmpfs() throws java.io.IOException {
        Path scratch = Files.createDirectories(Path.of("target", "faults").toAbsolutePath());
        Optional<String> unavailable = TmpfsMount.unavailable(scratch);
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
    }
}
