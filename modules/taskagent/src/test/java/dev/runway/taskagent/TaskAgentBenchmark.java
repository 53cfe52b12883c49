package dev.runway.taskagent;

import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.testsupport.ServerFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): task-agent output throughput and start-up time against a real server in this JVM.
 * Run it from the repository root (after {@code ./mvnw -o install -DskipTests}):
 * <pre>
 * ./mvnw -o -q -pl modules/taskagent test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-cp %classpath dev.runway.taskagent.TaskAgentBenchmark 1024 20 $PWD/modules/distribution/target/image/bin/runway"
 * </pre>
 * Arguments: MiB to stream (default 1024), start-up runs (default 20), optionally a built {@code runway} launcher.
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
        System.out.println("task agent: " + (runway != null ? runway + " task-agent"
                : "java -cp <test class path> " + TaskAgentMain.class.getName()) + "; server in this JVM; "
                + Runtime.getRuntime().availableProcessors() + " cores; /proc/loadavg: " + loadAverage());
        try (ServerFixture server = ServerFixture.inProcess(root.resolve("server"))) {
            throughput(server, root, mib, runway);
            startup(server, root, runs, runway);
        }
        System.exit(0);
    }

    private static void throughput(ServerFixture server, Path root, int mib, Path runway) throws Exception {
        long size = (long) mib * 1024 * 1024;
        Path work = Files.createDirectories(root.resolve("throughput"));
        ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                "{\"run\": \"{ seq 1 999999999 || true; } | head -c " + size + "\"}"), null, null, null));
        long start = System.nanoTime();
        String printed = runTaskAgent(server, claim, work, runway, 600);
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        JobStatus status = server.status(claim.jobId());
        long stepMillis = status.steps().get(0).durationMillis();
        System.out.printf("throughput: %d MiB stored (%s, %d bytes) in %d ms (step) / %d ms (process): %.1f MiB/s%n",
                mib, status.state(), status.steps().get(0).outputBytes(), stepMillis, totalMillis,
                mib * 1000.0 / stepMillis);
        printed.lines().filter(line -> line.startsWith("cpu millis ")).findFirst().ifPresent(line -> {
            long cpuMillis = Long.parseLong(line.substring("cpu millis ".length()));
            System.out.printf("task agent CPU time: %d ms for %d MiB (%.1f MiB per CPU second)%n", cpuMillis, mib,
                    mib * 1000.0 / cpuMillis);
        });
    }

    private static void startup(ServerFixture server, Path root, int runs, Path runway) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path work = Files.createDirectories(root.resolve("startup-" + i));
            ClaimResponse claim = server.submitAndClaim(server.job(ServerFixture.steps(
                    "{\"run\": \"date +%s%N > started\"}"), null, null, null));
            long startEpochNanos = currentEpochNanos();
            runTaskAgent(server, claim, work, runway, 60);
            long stepEpochNanos = Long.parseLong(Files.readString(work.resolve("started")).strip());
            millis.add((stepEpochNanos - startEpochNanos) / 1_000_000);
        }
        Collections.sort(millis);
        long median = runs % 2 == 1 ? millis.get(runs / 2) : (millis.get(runs / 2 - 1) + millis.get(runs / 2)) / 2;
        System.out.printf("start-up: process start to first step running, median of %d: %d ms (min %d, max %d)%n",
                runs, median, millis.get(0), millis.get(runs - 1));
    }

    /** Runs the claimed task in a task-agent process of its own, as the launch agent does; answers its output. */
    private static String runTaskAgent(ServerFixture server, ClaimResponse claim, Path work, Path runway,
            int timeoutSeconds) throws Exception {
        ProcessBuilder builder = runway != null
                ? new ProcessBuilder(runway.toString(), "task-agent", "--api-url", server.uri().toString(),
                        "--task-id", claim.taskId())
                : JavaProcess.builder(List.of(), TaskAgentMain.class, server.uri().toString(), claim.taskId());
        Path log = work.resolveSibling(work.getFileName() + ".log");
        builder.directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CIRCLE_WORKING_DIRECTORY", work.toString());
        Process agent = builder.start();
        try (OutputStream stdin = agent.getOutputStream()) {
            stdin.write(claim.taskToken().getBytes(StandardCharsets.UTF_8));
        }
        if (!agent.waitFor(timeoutSeconds, TimeUnit.SECONDS) || agent.exitValue() != 0) {
            agent.destroyForcibly();
            throw new IllegalStateException("task agent for " + claim.taskId() + " failed:\n" + Files.readString(log));
        }
        return Files.readString(log);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static long currentEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
