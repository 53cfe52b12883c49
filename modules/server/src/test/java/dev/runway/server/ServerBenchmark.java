package dev.runway.server;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figures for docs/benchmarks.md ("Component harnesses"), not a test. Starts a server in its own JVM (so its memory can be read from
 * /proc) and measures: claim round trip with a task ready, submit-to-claim while an agent long-polls, claims per
 * second with 200 concurrent agents, and the server's RSS with 1,000 idle long-polling agents.
 *
 * <pre>./mvnw -q -o test-compile exec:java -pl modules/server -Dexec.mainClass=dev.runway.server.ServerBenchmark \
 *     -Dexec.classpathScope=test [-Dexec.args="memory latency throughput"]</pre>
 */
public final class ServerBenchmark {
    private static final String RC = "bench/linux";
    private static final ClaimRequest IMMEDIATE = new ClaimRequest("bench-1", "bench", "0", "linux", "amd64", 1, 0);

    private ServerBenchmark() {}

    /** A server in its own JVM with a resource class and a token. */
    private record Started(Process process, URI uri, ManagementClient admin, String token) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Started startServer() throws Exception {
        Path data = Files.createTempDirectory("runway-bench-");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", classPath(), ServerProcessMain.class.getName(), data.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        URI uri = URI.create(line.substring("LISTENING ".length()));
        ManagementClient admin = new ManagementClient(new HttpTransport(uri, Duration.ofSeconds(90)),
                Files.readString(data.resolve("admin-token")).strip());
        admin.createNamespace("bench", "bench");
        admin.createResourceClass(RC, "benchmark");
        return new Started(process, uri, admin, admin.createToken(RC, "bench").token());
    }

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s, load average %s; server in its own JVM "
                + "(-XX:+UseSerialGC, default heap)%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), Runtime.version(),
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        List<String> phases = args.length > 0 ? List.of(args) : List.of("memory", "latency", "throughput");
        if (phases.contains("memory")) {
            try (Started server = startServer()) {
                idleLongPollMemory(server);
            }
        }
        try (Started server = startServer()) {
            HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(90));
            if (phases.contains("latency")) {
                claimRoundTrip(server.admin(), new RunnerClient(transport, server.token()));
                submitToClaim(server.admin(), new RunnerClient(transport, server.token()));
            }
            if (phases.contains("throughput")) {
                concurrentClaims(server.admin(), server.uri(), server.token());
            }
        }
    }

    private static void claimRoundTrip(ManagementClient admin, RunnerClient runner) throws Exception {
        int count = 2000;
        submit(admin, count + 200);
        for (int i = 0; i < 200; i++) {
            runner.claim(IMMEDIATE).orElseThrow(); // warm-up
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            runner.claim(IMMEDIATE).orElseThrow();
            nanos[i] = System.nanoTime() - start;
        }
        print("claim round trip, task ready (" + count + " sequential claims)", nanos);
    }

    private static void submitToClaim(ManagementClient admin, RunnerClient runner) throws Exception {
        int count = 200;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        long[] nanos = new long[count];
        ClaimRequest waiting = new ClaimRequest("bench-1", "bench", "0", "linux", "amd64", 1, 30);
        for (int i = 0; i < count; i++) {
            CompletableFuture<Long> claimed = CompletableFuture.supplyAsync(() -> {
                try {
                    runner.claim(waiting).orElseThrow();
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool);
            Thread.sleep(20); // the claim is held by now
            long start = System.nanoTime();
            admin.submitJob(JobSubmission.ofCommands(RC, "wait", "true"));
            nanos[i] = claimed.get() - start;
        }
        pool.shutdown();
        print("submit to claim while an agent long-polls (" + count + " jobs)", nanos);
    }

    /**
     * 200 agents claiming at once until the queue is empty. Each agent is a chain of asynchronous requests on one
     * client (so the figure is the server's, not 200 client threads fighting for the same cores).
     */
    private static void concurrentClaims(ManagementClient admin, URI uri, String token) throws Exception {
        int agents = 200;
        int jobs = 3_000;
        submit(admin, jobs);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger claimed = new AtomicInteger();
        List<CompletableFuture<Void>> chains = new ArrayList<>();
        long start = System.nanoTime();
        for (int a = 0; a < agents; a++) {
            chains.add(claimUntilEmpty(http, uri, token, "agent-" + a, claimed));
        }
        CompletableFuture.allOf(chains.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "claims per second, %d concurrent agents: %.0f (%d claims in %.2f s)%n",
                agents, claimed.get() / seconds, claimed.get(), seconds);
    }

    private static CompletableFuture<Void> claimUntilEmpty(HttpClient http, URI uri, String token, String name,
            AtomicInteger claimed) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri + ApiPaths.CLAIM))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"hostname\":\"h\","
                        + "\"version\":\"0\",\"os\":\"linux\",\"arch\":\"amd64\",\"free_slots\":1,"
                        + "\"wait_seconds\":0}"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenCompose(response -> {
            if (response.statusCode() == 200) {
                claimed.incrementAndGet();
                return claimUntilEmpty(http, uri, token, name, claimed);
            }
            if (response.statusCode() == 204) {
                return CompletableFuture.completedFuture(null);
            }
            throw new IllegalStateException("claim answered " + response.statusCode());
        });
    }

    private static void idleLongPollMemory(Started server) throws Exception {
        URI uri = server.uri();
        String token = server.token();
        long pid = server.process().pid();
        Thread.sleep(2000);
        long before = rssKib(pid);
        int agents = 1000;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Void>>> polls = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(uri + ApiPaths.CLAIM))
                    .timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"idle-" + i + "\",\"hostname\":\"h\","
                            + "\"version\":\"0\",\"os\":\"linux\",\"arch\":\"amd64\",\"free_slots\":1,"
                            + "\"wait_seconds\":60}"))
                    .build();
            polls.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        // all connected and held: every agent is in the inventory
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        int connected = 0;
        while (connected < agents && System.nanoTime() < deadline) {
            Thread.sleep(500);
            connected = server.admin().listRunnersOfResourceClass(RC).items().size();
        }
        Thread.sleep(1000);
        long held = rssKib(pid);
        long threads = Files.list(Path.of("/proc", Long.toString(pid), "task")).count();
        System.out.printf(Locale.ROOT, "server RSS: %d MiB idle before, %d MiB with %d of %d agents' long-polls "
                + "held (%d server threads)%n", before / 1024, held / 1024, connected, agents, threads);
        long noContent = 0;
        for (CompletableFuture<HttpResponse<Void>> poll : polls) {
            try {
                noContent += poll.get(120, TimeUnit.SECONDS).statusCode() == 204 ? 1 : 0;
            } catch (java.util.concurrent.ExecutionException e) {
                System.out.println("  a long-poll failed: " + e.getCause());
            }
        }
        System.out.printf(Locale.ROOT, "  %d of %d long-polls ended with 204 after their wait%n", noContent,
                agents);
    }

    /** exec:java runs us in a class loader of its own: the server JVM needs that loader's class path. */
    private static String classPath() throws Exception {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof java.net.URLClassLoader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : ((java.net.URLClassLoader) loader).getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static void submit(ManagementClient admin, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            admin.submitJob(JobSubmission.ofCommands(RC, "job-" + i, "true"));
        }
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }
}
