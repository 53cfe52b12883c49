package dev.runway.it.bench;

import dev.runway.client.ManagementClient;
import dev.runway.it.support.ReplicatedServers;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.ManagementApi;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The control plane on PostgreSQL: claims per second through 1 and 3 replicas, and through one H2 server, each beside
 * a floor measured in the same run (trivial authenticated requests per second over the same connections to the same
 * servers); resident memory of a replica holding idle long-polls; how long a job queued through one replica takes to
 * wake a claim held by another, beside the same wake-up on one replica.
 */
final class ReplicaBench {
    private static final int WAKEUPS = 40;
    /**
     * Unmeasured rounds before the measured ones, each exactly like them (tasks queued, claimed, then as many floor
     * requests): both paths are measured on servers warmed alike. A server just started compiles the claim's longer
     * path for thousands of claims (its JIT threads took a third to a half of its CPU per claim in the first rounds,
     * against a tenth of the floor's), so after a warm-up of claims alone the runs measured mostly the compiler.
     */
    private static final int WARM_ROUNDS = 2;
    /** The queue is filled faster than the default rate limit of job submissions allows. */
    private static final List<String> NO_RATE_LIMIT = List.of("--rate-limit", "1000000");
    private final Options options;

    ReplicaBench(Options options) {
        this.options = options;
    }

    /** The claims/s rows: H2 (one server), PostgreSQL with 1 replica and with 3. */
    List<Row> claims() throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(h2Claims());
        Double one = null;
        for (int replicas : new int[] {1, 3}) {
            try (ReplicatedServers servers = ReplicatedServers.start(options.work().resolve("claims-pg-" + replicas),
                    replicas, "60s", NO_RATE_LIMIT)) {
                ManagementClient first = servers.management(0);
                first.createNamespace(Cluster.NAMESPACE, UUID.randomUUID().toString());
                first.createResourceClass(Cluster.resourceClass("claims"), "benchmark");
                String token = first.createToken(Cluster.resourceClass("claims"), "bench").token();
                List<URI> uris = new ArrayList<>();
                List<ManagementClient> managements = new ArrayList<>();
                List<Long> pids = new ArrayList<>();
                for (int i = 0; i < replicas; i++) {
                    uris.add(servers.uri(i));
                    managements.add(servers.management(i));
                    pids.add(servers.replica(i).pid());
                }
                Row row = claimsRow("server claims/s, PostgreSQL, " + replicas + (replicas == 1 ? " replica"
                        : " replicas"), uris, managements, pids, postmaster(servers), token, servers.replica(0).adminToken(), one);
                if (replicas == 1) {
                    one = row.median();
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The H2 row alone (one server on its own database file). */
    Row h2Claims() throws Exception {
        try (Cluster h2 = Cluster.start(options.work().resolve("claims-h2"), NO_RATE_LIMIT)) {
            String token = h2.resourceClassToken("claims");
            return claimsRow("server claims/s, H2, 1 server", List.of(h2.uri()), List.of(h2.management),
                    List.of(h2.server.pid()), 0, token, h2.server.adminToken(), null);
        }
    }

    /**
     * Claims per second of {@link Options#claimAgents} agents spread over {@code servers} taking
     * {@link Options#claimJobs} queued tasks, and beside it, in each run, as many trivial authenticated requests
     * (the unclaimed task count, one store read like a claim's) over connections spread the same way.
     */
    private Row claimsRow(String figure, List<URI> servers, List<ManagementClient> managements, List<Long> pids,
            long postmaster, String token,
            String adminToken, Double oneReplica) throws Exception {
        String resourceClass = Cluster.resourceClass("claims");
        String floorPath = ManagementApi.UNCLAIMED_TASKS + "?resource-class="
                + URLEncoder.encode(resourceClass, StandardCharsets.UTF_8);
        ExecutorService agents = Executors.newFixedThreadPool(options.claimAgents());
        List<ClaimConnection> claimers = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        try {
            // queued before the claimers connect: on a loaded machine the submissions may outlast the server's
            // authentication deadline, which closes a connection that presented no token yet
            ServerBench.submit(managements.get(0), resourceClass, 100, agents);
            for (int a = 0; a < options.claimAgents(); a++) {
                URI server = servers.get(a % servers.size());
                claimers.add(new ClaimConnection(server, token,
                        new ClaimRequest("agent-" + a, "bench", "bench", "linux", "amd64", 1, 1)));
            }
            ServerBench.claim(claimers, agents, 100); // warm-up
            for (int run = -WARM_ROUNDS; run < options.runs(); run++) {
                for (int i = 0; i < managements.size(); i++) {
                    // queued through every replica
                    ServerBench.submit(managements.get(i), resourceClass, options.claimJobs() / managements.size(),
                            agents);
                }
                int claims = options.claimJobs() / managements.size() * managements.size();
                String round = run < 0 ? "warm-up" : "run " + (run + 1);
                CpuShares.awaitIdleCompilers(pids);
                CpuShares beforeClaims = CpuShares.sample(pids, postmaster);
                double rate = ServerBench.claim(claimers, agents, claims);
                System.out.println("    " + round + " " + CpuShares.sample(pids, postmaster).perOperation(
                        beforeClaims, claims, String.format(java.util.Locale.ROOT, "claims %.0f/s", rate)));
                // opened just before their first request: the server closes a connection that presents no token
                // within its authentication deadline (the wait for idle compilers may last up to 10 s on a loaded
                // machine, so it comes first)
                List<ClaimConnection> floorers = new ArrayList<>();
                double floor;
                try {
                    CpuShares.awaitIdleCompilers(pids);
                    for (int a = 0; a < options.claimAgents(); a++) {
                        floorers.add(new ClaimConnection(servers.get(a % servers.size()), adminToken, "GET",
                                floorPath, new byte[0]));
                    }
                    CpuShares beforeFloor = CpuShares.sample(pids, postmaster);
                    floor = requests(floorers, agents, options.claimJobs());
                    System.out.println("    " + round + " " + CpuShares.sample(pids, postmaster).perOperation(
                            beforeFloor, options.claimJobs(), String.format(java.util.Locale.ROOT, "floor %.0f/s",
                            floor)));
                } finally {
                    for (ClaimConnection connection : floorers) {
                        connection.close();
                    }
                }
                if (run >= 0) {
                    rates.add(rate);
                    floors.add(floor);
                }
            }
        } finally {
            agents.shutdownNow();
            for (ClaimConnection connection : claimers) {
                connection.close();
            }
        }
        Stats figureStats = Stats.of(rates);
        Stats floorStats = Stats.of(floors);
        boolean met = figureStats.median() >= 0.5 * floorStats.median()
                && (oneReplica == null || figureStats.median() >= oneReplica);
        return Row.measured(figure, "claims/s", figureStats, "trivial authenticated requests/s, same servers",
                floorStats, oneReplica == null ? ">= 0.5x floor" : ">= 0.5x floor and >= 1 replica", met,
                options.claimJobs() + " queued tasks per run claimed by " + options.claimAgents() + " agents spread"
                        + " over " + servers.size() + " server(s) (threads of this JVM on the same cores as the"
                        + " servers and PostgreSQL); floor: as many GET unclaimed-task counts with the admin token over"
                        + " connections spread the same way, in the same run"
                        + (oneReplica == null ? "" : "; 1 replica: " + Math.round(oneReplica) + " claims/s"));
    }

    /** The process id of the PostgreSQL server of {@code servers}, from its data directory's postmaster.pid. */
    private static long postmaster(ReplicatedServers servers) throws Exception {
        try (java.sql.Connection connection = servers.database();
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet row = statement.executeQuery("SHOW data_directory")) {
            row.next();
            return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of(row.getString(1),
                    "postmaster.pid")).get(0).trim());
        }
    }

    /** Requests per second until {@code count} were answered 200, each connection sending one after another. */
    private static double requests(List<ClaimConnection> connections, ExecutorService threads, int count)
            throws Exception {
        AtomicInteger sent = new AtomicInteger();
        AtomicLong last = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> loops = new ArrayList<>();
        for (ClaimConnection connection : connections) {
            loops.add(threads.submit(() -> {
                start.await();
                while (sent.getAndIncrement() < count) {
                    ClaimConnection.Answer answer = connection.send();
                    if (answer.code() != 200) {
                        throw new IllegalStateException("the floor request answered " + answer.code());
                    }
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Future<?> loop : loops) {
            loop.get(300, TimeUnit.SECONDS);
        }
        return count / ((last.get() - begin) / 1e9);
    }

    /** Idle long-polls held by one of 3 replicas, and the cross-replica wake-up latency beside the local one. */
    List<Row> idleAndWakeups() throws Exception {
        try (ReplicatedServers servers = ReplicatedServers.start(options.work().resolve("replicas-idle"), 3, "60s",
                NO_RATE_LIMIT)) {
            ManagementClient first = servers.management(0);
            first.createNamespace(Cluster.NAMESPACE, UUID.randomUUID().toString());
            first.createResourceClass(Cluster.resourceClass("wake"), "benchmark");
            String token = first.createToken(Cluster.resourceClass("wake"), "bench").token();
            first.createResourceClass(Cluster.resourceClass("idle"), "benchmark");
            String idleToken = first.createToken(Cluster.resourceClass("idle"), "bench").token();
            List<Row> rows = new ArrayList<>();
            Stats local = wakeups(servers.uri(1), token, servers.management(1));
            Stats across = wakeups(servers.uri(0), token, servers.management(1));
            // (each woken claim's task is ended at once: a claimed task left without heartbeats would lapse and be
            // queued again, and a later claim would find it without waiting)
            rows.add(Row.measured("wake-up across replicas p50 (claim held on A, job queued through B)", "ms", across,
                    "the same on one replica (claim and job on B)", local, "<= 20 ms", across.median() <= 20,
                    WAKEUPS + " wake-ups per figure: from the submit request sent to the held claim's answer read"
                            + " (runner protocol, loopback); LISTEN/NOTIFY through PostgreSQL"));
            rows.add(new ServerBench(options).idlePollsRss("server RSS per replica, " + options.idlePolls()
                    + " idle long-polls (PostgreSQL, 1 of 3 replicas)", servers.replica(2).pid(), servers.uri(2),
                    idleToken));
            return rows;
        }
    }

    /** Wake-ups of a claim held at {@code claimAt} by a job submitted through {@code submitThrough}: ms each. */
    private static Stats wakeups(URI claimAt, String token, ManagementClient submitThrough) throws Exception {
        String resourceClass = Cluster.resourceClass("wake");
        List<Double> latencies = new ArrayList<>();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (ClaimConnection claimer = new ClaimConnection(claimAt, token,
                new ClaimRequest("waker", "bench", "bench", "linux", "amd64", 1, 30))) {
            for (int i = 0; i < WAKEUPS + 3; i++) {
                AtomicLong answered = new AtomicLong();
                Future<dev.runway.protocol.RunnerApi.ClaimResponse> held = thread.submit(() -> {
                    dev.runway.protocol.RunnerApi.ClaimResponse claim = claimer.claim().orElseThrow(
                            () -> new IllegalStateException("the held claim ended empty"));
                    answered.set(System.nanoTime());
                    return claim;
                });
                Thread.sleep(300); // the claim reaches the server and waits there
                long sent = System.nanoTime();
                submitThrough.submitJob(JobSubmission.ofCommands(resourceClass, "wake", "true"));
                dev.runway.protocol.RunnerApi.ClaimResponse claim = held.get(60, TimeUnit.SECONDS);
                new dev.runway.client.RunnerClient(new dev.runway.client.HttpTransport(claimAt,
                        java.time.Duration.ofSeconds(10)), token).forTask(claim).fail(
                        new dev.runway.protocol.RunnerApi.InfraFailure("benchmark: woken, nothing to run", null, null));
                if (i >= 3) { // the first ones warm up both paths
                    latencies.add((answered.get() - sent) / 1e6);
                }
            }
        } finally {
            thread.shutdownNow();
        }
        return Stats.of(latencies);
    }
}
