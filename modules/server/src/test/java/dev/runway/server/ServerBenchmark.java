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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figures for docs/benchmarks-server.md, not a test. Starts a server in its own JVM (so its memory can be read from
 * /proc) and measures: claim round trip with a task ready, submit-to-claim while an agent long-polls, claims per
 * second with 200 concurrent agents, and the server's RSS with 1,000 idle long-polling agents.
 *
 * <pre>./mvnw -q -o test-compile exec:java -pl modules/server -Dexec.mainClass=dev.runway.server.ServerBenchmark \
 *     -Dexec.classpathScope=test</pre>
 */
public final class ServerBenchmark {
    private static final String RC = "bench/linux";
    private static final ClaimRequest IMMEDIATE = new ClaimRequest("bench-1", "bench", "0", "linux", "amd64", 1, 0);

    private ServerBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("runway-bench-");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", classPath(), ServerProcessMain.class.getName(),
                data.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            URI uri = URI.create(line.substring("LISTENING ".length()));
            HttpTransport transport = new HttpTransport(uri, Duration.ofSeconds(90));
            ManagementClient admin = new ManagementClient(transport,
                    Files.readString(data.resolve("admin-token")).strip());
            admin.createNamespace("bench", "bench");
            admin.createResourceClass(RC, "benchmark");
            String token = admin.createToken(RC, "bench").token();
            System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s; server in its own JVM (-XX:+UseSerialGC)%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), Runtime.version());
            claimRoundTrip(admin, new RunnerClient(transport, token));
            submitToClaim(admin, new RunnerClient(transport, token));
            concurrentClaims(admin, uri, token);
            idleLongPollMemory(uri, token, server.pid());
        } finally {
            server.destroyForcibly();
            server.waitFor(30, TimeUnit.SECONDS);
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

    private static void concurrentClaims(ManagementClient admin, URI uri, String token) throws Exception {
        int agents = 200;
        int jobs = 10_000;
        submit(admin, jobs);
        AtomicInteger claimed = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(agents);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            int id = a;
            Thread thread = new Thread(() -> {
                RunnerClient runner = new RunnerClient(new HttpTransport(uri, Duration.ofSeconds(60)), token);
                ClaimRequest request = new ClaimRequest("agent-" + id, "bench", "0", "linux", "amd64", 1, 0);
                ready.countDown();
                try {
                    go.await();
                    while (runner.claim(request).isPresent()) {
                        claimed.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "claims per second, %d concurrent agents: %.0f (%d claims in %.2f s)%n",
                agents, claimed.get() / seconds, claimed.get(), seconds);
    }

    private static void idleLongPollMemory(URI uri, String token, long pid) throws Exception {
        System.gc();
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
        Thread.sleep(15_000); // all connected and held
        long held = rssKib(pid);
        long threads = Files.list(Path.of("/proc", Long.toString(pid), "task")).count();
        System.out.printf(Locale.ROOT, "server RSS: %d MiB idle before, %d MiB with %d held long-polls "
                + "(%d server threads)%n", before / 1024, held / 1024, agents, threads);
        CompletableFuture.allOf(polls.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
        long noContent = polls.stream().filter(p -> p.join().statusCode() == 204).count();
        System.out.printf(Locale.ROOT, "  all %d long-polls ended with 204 after their wait: %s%n", agents,
                noContent == agents);
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
