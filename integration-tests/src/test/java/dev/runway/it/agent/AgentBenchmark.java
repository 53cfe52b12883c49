package dev.runway.it.agent;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Launch agent figures (a harness, not a test: it never fails a build on a slow machine). A real server in this JVM
 * and real {@code bin/runway launch-agent} processes of the built image, starting real task agents:
 * <ul>
 *   <li>pickup latency: from a job's submission to its first step running (both server timestamps), one job at a
 *   time to an idle agent that long-polls; p50 and p99;</li>
 *   <li>throughput: trivial jobs ({@code true}) through one agent with 4 slots, jobs per second;</li>
 *   <li>the idle agent: RSS and CPU time over 60 s of long-polling with nothing to do.</li>
 * </ul>
 * Arguments: jobs for the latency (default 50), jobs for the throughput (default 40), idle seconds (default 60).
 */
public final class AgentBenchmark {
    private AgentBenchmark() {}

    public static void main(String[] args) throws Exception {
        int latencyJobs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int throughputJobs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Path home = Files.createTempDirectory("runway-agent-bench-");
        System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %s%n", Runtime.getRuntime()
                .availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        try (AgentHarness harness = AgentHarness.start(home)) {
            pickupLatency(harness, latencyJobs);
            throughput(harness, throughputJobs);
            idle(harness, idleSeconds);
        }
    }

    private static void pickupLatency(AgentHarness harness, int jobs) throws Exception {
        harness.useNewResourceClass("latency");
        AgentProcess agent = harness.launchAgent("latency", "");
        warmUp(harness);
        List<Long> millis = new ArrayList<>();
        List<Long> toClaim = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            JobStatus job = harness.submit("pickup-" + i, "true");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofMinutes(2));
            Instant submitted = Instant.parse(done.createdAt());
            millis.add(Duration.between(submitted, Instant.parse(done.steps().get(0).startedAt())).toMillis());
            toClaim.add(Duration.between(submitted, Instant.parse(done.startedAt())).toMillis());
        }
        Collections.sort(millis);
        Collections.sort(toClaim);
        System.out.printf(Locale.ROOT, "pickup latency (submit -> first step running, %d jobs): p50 %d ms, "
                + "p99 %d ms, min %d ms, max %d ms%n", jobs, percentile(millis, 50), percentile(millis, 99),
                millis.get(0), millis.get(millis.size() - 1));
        System.out.printf(Locale.ROOT, "  of which submit -> claimed: p50 %d ms, p99 %d ms (the rest is the task "
                + "agent starting and fetching its job)%n", percentile(toClaim, 50), percentile(toClaim, 99));
        agent.killTree();
    }

    private static void throughput(AgentHarness harness, int jobs) throws Exception {
        harness.useNewResourceClass("throughput");
        AgentProcess agent = harness.launchAgent("throughput", "max_concurrent_tasks: 4\n");
        warmUp(harness);
        List<String> ids = new ArrayList<>();
        Instant start = Instant.now();
        for (int i = 0; i < jobs; i++) {
            ids.add(harness.submit("trivial-" + i, "true").id());
        }
        int failed = 0;
        for (String id : ids) {
            if (harness.awaitFinal(id, Duration.ofMinutes(5)).state() != JobState.SUCCESS) {
                failed++;
            }
        }
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        System.out.printf(Locale.ROOT, "throughput (trivial jobs, 4 slots): %d jobs in %.1f s = %.2f jobs/s"
                + " (%d not successful)%n", jobs, seconds, jobs / seconds, failed);
        agent.killTree();
    }

    private static void idle(AgentHarness harness, int seconds) throws Exception {
        harness.useNewResourceClass("idle");
        AgentProcess agent = harness.launchAgent("idle", "");
        warmUp(harness);
        Thread.sleep(5_000); // let start-up settle (JIT, class loading)
        long ticksBefore = cpuTicks(agent.pid());
        long rssBefore = rssKib(agent.pid());
        long maxRss = rssBefore;
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1_000);
            maxRss = Math.max(maxRss, rssKib(agent.pid()));
        }
        long ticks = cpuTicks(agent.pid()) - ticksBefore;
        double cpuSeconds = ticks / 100.0; // USER_HZ is 100 on Linux
        System.out.printf(Locale.ROOT, "idle agent over %d s: RSS %.1f MiB (max %.1f MiB), CPU %.2f s = %.2f %% "
                + "of one core%n", seconds, rssKib(agent.pid()) / 1024.0, maxRss / 1024.0, cpuSeconds,
                100 * cpuSeconds / seconds);
        agent.killTree();
    }

    /** One job end to end, so that the agent is connected and warm before measuring. */
    private static void warmUp(AgentHarness harness) throws Exception {
        JobStatus job = harness.submit("warm-up", "true");
        harness.awaitFinal(job.id(), Duration.ofMinutes(2));
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
