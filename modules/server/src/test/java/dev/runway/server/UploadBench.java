package dev.runway.server;

import dev.runway.client.HttpTransport;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.protocol.BlobsApi.BlobRef;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Figures for docs/benchmarks.md ("Caches, workspaces and artifacts"), not a test: one artifact upload alone. The
 * server runs in this JVM (its threads' CPU is read around each upload); each upload is
 * {@link TaskClient#uploadFile} in a fresh JVM with the task agent's compiler flags, as a job's task agent is.
 * Rounds after the first send the same bytes again, so they also pay for replacing the identical blob. For an A/B,
 * UPLOAD_BENCH_CLIENT_CLASSES puts another build's client classes first on the client's class path;
 * UPLOAD_BENCH_CLIENT_OPTIONS adds JVM options (after the task agent's, so they win) and UPLOAD_BENCH_CLIENT_WRAPPER a
 * command (perf, strace) before it. In the client's options, -DwarmFile=FILE uploads FILE first, -Duploads=N uploads
 * the file N times (the later ones show a warm client: the first upload of a fresh JVM pays for its HTTP and hashing
 * code's first runs) and -Dthreads=true prints the client's threads' CPU (compiler threads included).
 *
 * <pre>./mvnw -o -q -pl modules/server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-cp.txt
 * cd modules/server && java -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     dev.runway.server.UploadBench FILE ROUNDS WORK_DIR</pre>
 */
public final class UploadBench {
    private UploadBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("client")) {
            client(URI.create(args[1]), args[2], args[3], Path.of(args[4]));
            return;
        }
        Path file = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        long size = Files.size(file);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (TestServer server = new TestServer(work.resolve("data"))) {
            ClaimResponse task = claimedTask(server, work);
            for (int round = 1; round <= rounds; round++) {
                java.util.Map<Long, Long> before = threadCpu(threads);
                List<String> command = new ArrayList<>();
                String wrapper = System.getenv("UPLOAD_BENCH_CLIENT_WRAPPER"); // e.g. perf record, strace
                if (wrapper != null && !wrapper.isBlank()) {
                    command.addAll(List.of(wrapper.trim().split(" +")));
                }
                command.addAll(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:Tier3InvocationThreshold=2000", "-XX:Tier3MinInvocationThreshold=1000",
                        "-XX:Tier3CompileThreshold=20000", "-XX:Tier3BackEdgeThreshold=600000",
                        "-cp", clientClassPath(), UploadBench.class.getName(), "client",
                        server.server.uri().toString(), task.taskId(), task.taskToken(), file.toString()));
                String options = System.getenv("UPLOAD_BENCH_CLIENT_OPTIONS");
                if (options != null && !options.isBlank()) {
                    // after the task agent's flags, so that an option given here wins over them
                    command.addAll(command.indexOf("-cp"), List.of(options.trim().split(" +")));
                }
                Process process = new ProcessBuilder(command).inheritIO().start();
                int exit = process.waitFor();
                java.util.Map<Long, Long> after = threadCpu(threads);
                long total = 0;
                StringBuilder busy = new StringBuilder();
                for (var entry : after.entrySet()) {
                    long spent = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
                    total += spent;
                    if (spent > 50_000_000L) {
                        var info = threads.getThreadInfo(entry.getKey());
                        busy.append(String.format(Locale.ROOT, " [%s %.2f]", info == null ? "?" : info.getThreadName(),
                                spent / 1e9));
                    }
                }
                System.out.printf(Locale.ROOT, "round %d: client exit %d, server CPU %.2f s for %d MiB:%s%n", round,
                        exit, total / 1e9, size >> 20, busy);
            }
        }
    }

    /** This JVM's class path, or with UPLOAD_BENCH_CLIENT_CLASSES first (another build of the client, for an A/B). */
    private static String clientClassPath() {
        String first = System.getenv("UPLOAD_BENCH_CLIENT_CLASSES");
        String own = System.getProperty("java.class.path");
        return first == null || first.isBlank() ? own : first + java.io.File.pathSeparator + own;
    }

    /** A project whose pipeline runs one job, and that job's claimed task. */
    private static ClaimResponse claimedTask(TestServer server, Path work) throws Exception {
        String admin = server.server.adminToken();
        RunnerClient runner = server.runner(server.resourceClassToken());
        Path repo = PipelineFlowTest.repository(Files.createDirectories(work.resolve("repo")), """
                version: 2.1
                jobs:
                  upload:
                    machine: true
                    resource_class: acme/linux
                    steps: [{run: "true"}]
                workflows:
                  main:
                    jobs: [upload]
                """);
        HttpResponse<String> created = server.send("POST", "/api/v3/projects", admin,
                "{\"namespace\": \"acme\", \"repository_url\": \"" + repo + "\", \"name\": \"bench\"}");
        String slug = Json.mapper().readTree(created.body()).get("slug").asText();
        server.send("POST", "/api/v2/project/" + slug + "/pipeline", admin, "{\"branch\": \"main\"}");
        return runner.claim(TestServer.claimRequest("runner-1", 10)).orElseThrow();
    }

    private static java.util.Map<Long, Long> threadCpu(ThreadMXBean threads) {
        java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long spent = threads.getThreadCpuTime(id);
            if (spent > 0) {
                cpu.put(id, spent);
            }
        }
        return cpu;
    }

    /** This process's user and system CPU in ticks of 10 ms from /proc (all threads, also those that ended). */
    private static long[] processCpu() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    private static void client(URI uri, String taskId, String token, Path file) throws Exception {
        TaskClient client = new TaskClient(new HttpTransport(uri, Duration.ofSeconds(60)), taskId, token);
        long size = Files.size(file);
        String warmFile = System.getProperty("warmFile"); // a smaller upload first, to see what warming buys
        if (warmFile != null) {
            once(client, Path.of(warmFile), Files.size(Path.of(warmFile)));
        }
        int times = Integer.getInteger("uploads", 1); // more than 1: the later uploads show the client warm
        for (int upload = 1; upload < times; upload++) {
            once(client, file, size);
        }
        once(client, file, size);
        if (Boolean.getBoolean("threads")) { // this JVM's threads' CPU, from /proc: compiler threads included
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    if (ticks > 1) {
                        System.out.printf(Locale.ROOT, "  thread %s: user %.2f s, system %.2f s%n", name,
                                Long.parseLong(fields[11]) / 100.0, Long.parseLong(fields[12]) / 100.0);
                    }
                }
            }
        }
    }

    private static void once(TaskClient client, Path file, long size) throws Exception {
        long start = System.nanoTime();
        long[] cpu = processCpu();
        BlobRef ref = client.uploadFile(file);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] after = processCpu();
        System.out.printf(Locale.ROOT, "upload %s: %.2f s, %.0f MiB/s, client CPU user %.2f s, system %.2f s"
                + " (before the upload: %.2f s)%n", ref.sha256().substring(0, 12), seconds,
                size / 1048576.0 / seconds, (after[0] - cpu[0]) / 100.0, (after[1] - cpu[1]) / 100.0,
                (cpu[0] + cpu[1]) / 100.0);
    }
}
