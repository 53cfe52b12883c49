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
 * The launch agent (and so its task agents) in one network namespace, the server in another, joined by a veth pair
 * whose link is cut and restored at random moments; task agents and the server are also killed now and then.
 * Skips, saying why, where network namespaces cannot be made (not root, no iproute2).
 */
class NetworkPartitionTest {

    @Test
    void cutLinksLoseNothing() throws Exception {
        Optional<String> unavailable = NetworkNamespaces.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
        long seed = FaultSeeds.seed("partition", 20261130L);
        boolean longRun = FaultSeeds.longProfile();
        int rounds = longRun ? FaultSeeds.rounds(10) : 1;
        FaultTally total = new FaultTally();
        java.util.Random seeds = new java.util.Random(seed);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = round == 0 ? seed : seeds.nextLong();
            FaultTally tally = new FaultTally();
            Path home = FaultSeeds.home("partition", roundSeed);
            try (FaultCluster cluster = new FaultCluster(home, tally)) {
                cluster.network = NetworkNamespaces.create();
                cluster.startServer(cluster.network.serverPrefix(), Files.createDirectories(home.resolve("server")),
                        NetworkNamespaces.SERVER_ADDRESS);
                int relay = cluster.network.relayToServer(cluster.server.port());
                cluster.provision(URI.create("http://127.0.0.1:" + relay));
                cluster.addAgent(cluster.network.agentPrefix(), home.resolve("agent"), "partitioned",
                        "http://" + NetworkNamespaces.SERVER_ADDRESS + ":" + cluster.server.port(), 2);
                FaultRun.Settings settings = new FaultRun.Settings(longRun ? 20 : 4,
                        List.of(Kind.LINES, Kind.SLOW_LINES, Kind.BINARY, Kind.MULTI_STEP, Kind.BIG_OUTPUT),
                        longRun ? EnumSet.of(Fault.PARTITION, Fault.KILL_SERVER, Fault.KILL_TASK_AGENT)
                                : EnumSet.of(Fault.PARTITION), longRun ? 10 : 2, 0,
                        2, Duration.ofSeconds(120));
                new FaultRun(cluster, roundSeed, settings).run();
            }
            System.out.println("[faults] partition round " + (round + 1) + "/" + rounds + " (seed " + roundSeed
                    + "): " + tally.summary());
            total.add(tally);
        }
        FaultReport.write("partition", seed, rounds, total);
        assertThat(total.violations()).as(total.summary()).isEmpty();
        assertThat(total.injected()).containsKey("link between agent and server namespaces cut, then restored");
    }
}
