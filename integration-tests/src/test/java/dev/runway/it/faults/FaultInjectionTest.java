package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.it.faults.FaultJob.Kind;
import dev.runway.it.faults.FaultRun.Fault;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many jobs through the real server, launch agents and task agents (processes of the built image) while the server,
 * launch agents and task agents are killed with SIGKILL at random moments and a chaos proxy between agents and
 * server breaks connections and answers. Then the invariants (RunChecks). The short profile runs in CI; the long one
 * ({@code -Drunway.faults.long=true}) runs many rounds and writes the table docs/reliability.md shows.
 */
class FaultInjectionTest {
    private static final List<Kind> ALL_KINDS = List.of(Kind.values());

    @Test
    void crashesAndABrokenNetworkLoseNothingAndLeakNothing() throws Exception {
        long seed = FaultSeeds.seed("crashes+proxy", 20261129L);
        boolean longRun = FaultSeeds.longProfile();
        int rounds = longRun ? FaultSeeds.rounds(10) : 1;
        FaultTally total = new FaultTally();
        Random seeds = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = round == 0 ? seed : seeds.nextLong();
            FaultTally tally = runRound(roundSeed, longRun);
            System.out.println("[faults] crashes+proxy round " + (round + 1) + "/" + rounds + " (seed " + roundSeed
                    + "): " + tally.summary());
            total.add(tally);
        }
        FaultReport.write("crashes+proxy", seed, rounds, total);
        assertThat(total.violations()).as(total.summary()).isEmpty();
        assertThat(total.injectedTotal()).as("faults were injected").isPositive();
    }

    private static FaultTally runRound(long seed, boolean longRun) throws Exception {
        FaultTally tally = new FaultTally();
        Path home = FaultSeeds.home("crashes", seed);
        try (FaultCluster cluster = new FaultCluster(home, tally)) {
            cluster.startServer(List.of(), Files.createDirectories(home.resolve("server")), "127.0.0.1");
            cluster.provision(URI.create("http://127.0.0.1:" + cluster.server.port()));
            ChaosProxy proxy = cluster.startProxy(seed);
            int slots = 2;
            for (int i = 0; i < 2; i++) {
                cluster.addAgent(List.of(), home.resolve("agent-" + i), "agent-" + i, proxy.url(), slots);
            }
            FaultRun.Settings settings = new FaultRun.Settings(longRun ? 40 : 8, ALL_KINDS,
                    EnumSet.of(Fault.KILL_SERVER, Fault.KILL_LAUNCH_AGENT, Fault.KILL_TASK_AGENT,
                            Fault.PROXY_WINDOW), longRun ? 16 : 5, 0.2, slots, Duration.ofSeconds(150));
            new FaultRun(cluster, seed, settings).run();
            if (!tally.violations().isEmpty()) {
                System.out.println("[faults] logs of the failed round in " + home + "\n" + cluster.agentLogs());
            }
        }
        return tally;
    }
}
