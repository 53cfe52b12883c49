package dev.runway.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ManagementClient;
import dev.runway.it.support.ReplicatedServers;
import dev.runway.it.support.RunwayImage;
import dev.runway.it.support.ServerProcess;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's invariants on the replicated topology: one real PostgreSQL, three {@code runway server} processes
 * of the image on three ports, a launch agent on each, jobs submitted through all three. Mid-run one replica is
 * SIGKILLed and started again, and another's database connections are cut ({@code pg_terminate_backend}). Every job
 * ends once, every output is byte-exact read through another replica than the one it was submitted to, and no task
 * is claimed twice (by the servers' logs and by the tasks table).
 */
class ReplicaFaultTest {
    private static final Pattern CLAIMED = Pattern.compile("task (\\S+) \\(job #(\\d+) .*, attempt (\\d+)\\) claimed");
    private static final List<FaultJob.Kind> KINDS = List.of(FaultJob.Kind.LINES, FaultJob.Kind.SLOW_LINES,
            FaultJob.Kind.BINARY, FaultJob.Kind.MULTI_STEP, FaultJob.Kind.FAILING, FaultJob.Kind.BIG_OUTPUT);
    private static final int JOBS = 36;

    @Test
    void threeReplicasOnePostgresqlAKilledReplicaAndACutConnection() throws Exception {
        RunwayImage.runway();
        Path home = FaultSeeds.home("replicas", 27);
        FaultTally tally = new FaultTally();
        try (ReplicatedServers servers = ReplicatedServers.start(home, 3, FaultCluster.LEASE);
                FaultCluster cluster = new FaultCluster(home.resolve("cluster"), tally)) {
            List<ServerProcess> replicas = servers.replicas();
            List<ManagementClient> through = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                through.add(servers.management(i));
            }
            cluster.server = replicas.get(0);
            cluster.provision(servers.uri(0));
            for (int i = 0; i < 3; i++) {
                cluster.addAgent(List.of(), home.resolve("agent-" + i), "agent-" + i, "http://127.0.0.1:"
                        + replicas.get(i).port(), 3);
            }

            Random random = new Random(27);
            Map<String, FaultJob> jobs = new LinkedHashMap<>();
            for (int n = 0; n < JOBS; n++) {
                FaultJob job = FaultJob.random(random, "r" + n, KINDS);
                int replica = n % 3;
                JobStatus status = through.get(replica).submitJob(job.submission(FaultCluster.RESOURCE_CLASS));
                jobs.put(status.id(), job);
                if (n == JOBS / 3) {
                    // mid-run: replica 1 dies without a word and comes back on its port
                    replicas.get(1).kill();
                    tally.injected("SIGKILL replica 1");
                    replicas.get(1).start();
                } else if (n == 2 * JOBS / 3) {
                    tally.injected("pg_terminate_backend: " + servers.cutConnections(2) + " connections of replica 2");
                }
            }
            tally.jobs(jobs.size());

            // checks read through replica 0, whose process stayed up, for jobs submitted through 1 and 2 as well
            cluster.management = through.get(0);
            RunChecks checks = new RunChecks(cluster, jobs, null);
            checks.allFinal(Duration.ofMinutes(6));
            checks.stableAndListedOnce();
            checks.outcomes(9); // at most the 3 slots of the agent whose server was killed ... and retried claims
            checks.outputsByteExact();
            for (int i = 1; i < 3; i++) {
                cluster.management = through.get(i);
                checks.outputsByteExact();
            }

            // no task claimed twice: each task id and each (job, attempt) claimed once across all replicas' logs
            Map<String, Integer> tasks = new HashMap<>();
            Map<String, Integer> attempts = new HashMap<>();
            for (ServerProcess replica : replicas) {
                Matcher claims = CLAIMED.matcher(Files.readString(replica.log()));
                while (claims.find()) {
                    tasks.merge(claims.group(1), 1, Integer::sum);
                    attempts.merge(claims.group(2) + "/" + claims.group(3), 1, Integer::sum);
                }
            }
            tasks.forEach((task, count) -> tally.check(count == 1, "task " + task + " claimed once: " + count));
            attempts.forEach((attempt, count) -> tally.check(count == 1, "job/attempt " + attempt + " claimed once: "
                    + count));
            tally.check(tasks.size() >= jobs.size(), "every job was claimed: " + tasks.size() + " claims");
            try (Connection admin = servers.database(); Statement statement = admin.createStatement();
                    ResultSet doubles = statement.executeQuery("SELECT job_id, attempt, count(*) FROM tasks"
                            + " GROUP BY job_id, attempt HAVING count(*) > 1")) {
                while (doubles.next()) {
                    tally.check(false, "job " + doubles.getString(1) + " attempt " + doubles.getInt(2) + " has "
                            + doubles.getInt(3) + " tasks");
                }
            }
            assertThat(tally.violations()).as("violations; logs in %s", home).isEmpty();
        }
    }
}
