package dev.runway.taskagent;

import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.TaskResult;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): task-agent output throughput and start-up time against a real server in this JVM.
 * Run it with {@code ./mvnw -o -q -pl modules/taskagent test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.runway.taskagent.TaskAgentBenchmark [-Dexec.args="MIB RUNS [RUNWAY]"]}.
 * <ul>
 * <li>Throughput: a step prints MIB MiB (seq's text); MiB/s from the step's start to its result, which the task
 * agent reports only after the server stored (wrote) the last byte.
 * <li>Start-up: from starting a task-agent process to its first step running (the step records the time),
 * median of RUNS runs. The process is {@code RUNWAY task-agent} when the path of a built {@code runway} launcher is
 * given, else the task agent's main on this class path.
 * </ul>
 */
public final class TaskAgentBenchmark {
    private TaskAgentBenchmark() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path runway = args.length > 2 ? Path.of(args[2]) : null;
        Path root = Files.createTempDirectory("runway-benchmark-");
        try (ServerFixture server = ServerFixture.inProcess(root.resolve("server"))) {
            throughput(server, root, mib);
            startup(server, root, runs, runway);
        }
        System.exit(0);
    }

    private static void throughput(ServerFixture server, Path root, int mib) throws Exception {
        long size = (long) mib * 1024 * 1024;
        Path work = Files.createDirectories(root.resolve("throughput"));
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"{ seq 1 999999999 || true; } | head -c " + size + "\"}"), null, null, null));
        TaskAgentSettings settings = TaskAgentSettings.defaults(work, System.getenv(), Duration.ZERO);
        long start = System.nanoTime();
        TaskResult result = new TaskAgent(server.taskClient(claim), claim.taskToken(), settings).run();
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        JobStatus status = server.status(claim.jobId());
        long stepMillis = status.steps().get(0).durationMillis();
        System.out.printf("throughput: %d MiB stored (%s, %d bytes) in %d ms (step) / %d ms (task): %.1f MiB/s%n",
                mib, result.status(), status.steps().get(0).outputBytes(), stepMillis, totalMillis,
                mib * 1000.0 / stepMillis);
    }

    private static void startup(ServerFixture server, Path root, int runs, Path runway) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path work = Files.createDirectories(root.resolve("startup-" + i));
            ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                    "{\"run\": \"date +%s%N > started\"}"), null, null, null));
            ProcessBuilder builder = runway != null
                    ? new ProcessBuilder(runway.toString(), "task-agent", "--api-url", server.uri().toString(),
                            "--task-id", claim.taskId())
                    : JavaProcess.builder(List.of(), TaskAgentMain.class, server.uri().toString(), claim.taskId());
            builder.directory(work.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("CIRCLE_WORKING_DIRECTORY", work.toString());
            long startNanosEpoch = currentEpochNanos();
            Process agent = builder.start();
            try (OutputStream stdin = agent.getOutputStream()) {
                stdin.write(claim.taskToken().getBytes(StandardCharsets.UTF_8));
            }
            if (!agent.waitFor(60, TimeUnit.SECONDS) || agent.exitValue() != 0) {
                throw new IllegalStateException("task agent run " + i + " failed");
            }
            long stepEpochNanos = Long.parseLong(Files.readString(work.resolve("started")).strip());
            millis.add((stepEpochNanos - startNanosEpoch) / 1_000_000);
        }
        Collections.sort(millis);
        long median = runs % 2 == 1 ? millis.get(runs / 2) : (millis.get(runs / 2 - 1) + millis.get(runs / 2)) / 2;
        System.out.printf("start-up (%s): process start to first step running, median of %d: %d ms"
                + " (min %d, max %d)%n", runway != null ? runway : "java -cp <test classpath> TaskAgentMain", runs,
                median, millis.get(0), millis.get(runs - 1));
    }

    private static long currentEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
