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
 * The workflow job kind: pipelines of a fan-out/fan-in workflow (a git repository made here, its project, triggers
 * through API v2) run through the real server, launch agents and task agents of the built image, with a few plain
 * jobs beside them, while task agents and launch agents die (SIGKILL) and the server is killed and restarted mid-run.
 * Then the invariants of {@link RunChecks} and {@link WorkflowChecks}: a pipeline whose runner dies, or whose server
 * restarts, loses nothing. The short profile (CI) is one round of a few pipelines; {@code -Drunway.faults.long=true}
 * runs more rounds of more pipelines and faults.
 */
class WorkflowFaultTest {
    @Test
    void workflowsLoseNothingWhenRunnersDieAndTheServerRestarts() throws Exception {
        long seed = FaultSeeds.seed("workflows", 20261207L);
        boolean longRun = FaultSeeds.longProfile();
        int rounds = longRun ? FaultSeeds.rounds(5) : 1;
        FaultTally total = new FaultTally();
        Random seeds = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = round == 0 ? seed : seeds.nextLong();
            FaultTally tally = runRound(roundSeed, longRun);
            System.out.println("[faults] workflows round " + (round + 1) + "/" + rounds + " (seed " + roundSeed
                    + "): " + tally.summary());
            total.add(tally);
        }
        FaultReport.write("workflows", seed, rounds, total);
        assertThat(total.violations()).as(total.summary()).isEmpty();
        assertThat(total.injected()).as("every kind of fault was injected: %s", total.summary())
                .containsKeys("SIGKILL + restart of the server", "SIGKILL + restart of a launch agent",
                        "SIGKILL of a task agent");
    }

    private static FaultTally runRound(long seed, boolean longRun) throws Exception {
        FaultTally tally = new FaultTally();
        Path home = FaultSeeds.home("workflows", seed);
        try (FaultCluster cluster = new FaultCluster(home, tally)) {
            cluster.startServer(List.of(), Files.createDirectories(home.resolve("server")), "127.0.0.1");
            cluster.provision(URI.create("http://127.0.0.1:" + cluster.server.port()));
            int slots = 2;
            for (int i = 0; i < 2; i++) {
                cluster.addAgent(List.of(), home.resolve("agent-" + i), "agent-" + i,
                        "http://127.0.0.1:" + cluster.server.port(), slots);
            }
            FaultRun.Settings settings = new FaultRun.Settings(longRun ? 10 : 2, List.of(Kind.LINES,
                    Kind.SLOW_LINES, Kind.MULTI_STEP), EnumSet.of(Fault.KILL_SERVER, Fault.KILL_LAUNCH_AGENT,
                    Fault.KILL_TASK_AGENT), longRun ? 9 : 3, 0, slots, Duration.ofSeconds(longRun ? 240 : 90),
                    longRun ? 10 : 3, longRun ? 6 : 3);
            new FaultRun(cluster, seed, settings).run();
            if (!tally.violations().isEmpty()) {
                System.out.println("[faults] logs of the failed round in " + home + "\n" + cluster.agentLogs());
            }
        }
        return tally;
    }
}
