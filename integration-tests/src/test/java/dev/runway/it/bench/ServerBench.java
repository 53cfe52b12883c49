package dev.runway.it.bench;

import dev.runway.it.support.Waits;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server (the image's {@code runway server}, a process of its own) under many agents, simulated from this JVM
 * with the runner protocol: resident memory while 1,000 claims are held open, and claims per second answered to
 * 200 agents claiming from a full queue.
 */
final class ServerBench {
    private final Options options;

    ServerBench(Options options) {
        this.options = options;
    }

    Row idlePollsRss() throws Exception {
        try (Cluster cluster = Cluster.start(options.work().resolve("server-idle"))) {
            return idlePollsRss("server RSS, 1,000 idle long-polling agents", cluster.server.pid(), cluster.uri(),
                    cluster.resourceClassToken("idle-polls"));
        }
    }

    /** RSS of server {@code pid} before and while {@link Options#idlePolls} claims are held open at {@code uri}. */
    Row idlePollsRss(String figure, long pid, java.net.URI uri, String token) throws Exception {
        Thread.sleep(2000);
        Stats before = sampleRss(pid);
        int socketsBefore = Processes.socketCount(pid);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger answered = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        for (int i = 0; i < options.idlePolls(); i++) {
            poll(client, uri, token, "idle-" + i, answered, stopped);
        }
        try {
            int held = awaitHeld(pid, socketsBefore);
            Thread.sleep(2000);
            Stats rss = sampleRss(pid);
            return Row.measured(figure, "MiB", rss,
                    "same server, no agents", before, "<= 256 MiB", rss.median() <= 256 && held >= options.idlePolls(),
                    held + " claims held open (sockets of the server process) while RSS was sampled 20 times; "
                            + answered.get() + " polls ended (each ended poll is sent again at once, as an agent does)");
        } finally {
            stopped.set(true);
        }
    }

    /** One idle agent: a claim held open by the server; when it ends (204 after the wait), the next one goes out. */
    private static void poll(HttpClient client, java.net.URI uri, String token, String name, AtomicInteger answered,
            AtomicBoolean stopped) {
        if (stopped.get()) {
            return;
        }
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(new ClaimRequest(name, "bench", "bench", "linux", "amd64", 1, 60));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        client.sendAsync(HttpRequest.newBuilder(uri.resolve(ApiPaths.CLAIM))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                    answered.incrementAndGet();
                    poll(client, uri, token, name, answered, stopped);
                });
    }

    /** Waits until the server holds a socket per poll, or its count stops growing for 10 s; answers the count. */
    private int awaitHeld(long pid, int socketsBefore) {
        int[] best = {-1};
        long[] lastGrowth = {System.nanoTime()};
        Integer held = Waits.lastUntil(Duration.ofSeconds(options.idlePolls()), Duration.ofMillis(200), () -> {
            int now = Processes.socketCount(pid) - socketsBefore;
            if (now > best[0]) {
                best[0] = now;
                lastGrowth[0] = System.nanoTime();
            }
            return now;
        }, now -> now >= options.idlePolls() || System.nanoTime() - lastGrowth[0] >= 10_000_000_000L);
        return Math.min(held == null ? 0 : held, options.idlePolls());
    }

    private static Stats sampleRss(long pid) throws Exception {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            samples.add(Processes.rssMiB(pid));
            Thread.sleep(250);
        }
        return Stats.of(samples);
    }

    Row claimsPerSecond() throws Exception {
        try (Cluster cluster = Cluster.start(options.work().resolve("server-claims"))) {
            String token = cluster.resourceClassToken("claims");
            String resourceClass = Cluster.resourceClass("claims");
            ExecutorService agents = Executors.newFixedThreadPool(options.claimAgents());
            List<ClaimConnection> connections = new ArrayList<>();
            List<Double> rates = new ArrayList<>();
            try {
                for (int a = 0; a < options.claimAgents(); a++) {
                    connections.add(new ClaimConnection(cluster.uri(), token,
                            new ClaimRequest("agent-" + a, "bench", "bench", "linux", "amd64", 1, 1)));
                }
                submit(cluster.management, resourceClass, 100, agents);
                claim(connections, agents, 100); // warm-up
                for (int run = 0; run < options.runs(); run++) {
                    submit(cluster.management, resourceClass, options.claimJobs(), agents);
                    rates.add(claim(connections, agents, options.claimJobs()));
                }
            } finally {
                agents.shutdownNow();
                for (ClaimConnection connection : connections) {
                    connection.close();
                }
            }
            Stats figure = Stats.of(rates);
            return Row.measured("server claims/s, 200 agents", "claims/s", figure, "-", null, ">= 1000 claims/s",
                    figure.median() >= 1000, options.claimJobs() + " queued tasks per run claimed by "
                            + options.claimAgents() + " concurrent agents (threads of this JVM, on the same cores; "
                            + "each a keep-alive HTTP/1.1 connection of its own, see ClaimConnection)");
        }
    }

    /** Queues {@code count} trivial jobs through {@code management}, 8 submitters at once. */
    static void submit(dev.runway.client.ManagementClient management, String resourceClass, int count,
            ExecutorService threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> submitters = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            submitters.add(threads.submit(() -> {
                while (next.getAndIncrement() < count) {
                    management.submitJob(JobSubmission.ofCommands(resourceClass, "claim-me", "true"));
                }
                return null;
            }));
        }
        for (Future<?> submitter : submitters) {
            submitter.get(300, TimeUnit.SECONDS);
        }
    }

    /** Claims per second until {@code count} tasks were handed out, each agent claiming on its own connection. */
    static double claim(List<ClaimConnection> connections, ExecutorService agents, int count)
            throws Exception {
        AtomicInteger claimed = new AtomicInteger();
        AtomicLong lastClaim = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> loops = new ArrayList<>();
        for (ClaimConnection agent : connections) {
            loops.add(agents.submit(() -> {
                start.await();
                while (claimed.get() < count) {
                    if (agent.claim().isPresent()) {
                        claimed.incrementAndGet();
                        lastClaim.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Future<?> loop : loops) {
            loop.get(300, TimeUnit.SECONDS);
        }
        return claimed.get() / ((lastClaim.get() - begin) / 1e9);
    }
}
