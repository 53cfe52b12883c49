package dev.runway.it.bench;

import dev.runway.it.support.LaunchAgentProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An idle launch agent (process launcher, long-polling an empty resource class) beside a {@code sleep} process over
 * the same window: resident memory sampled every second, CPU time (all threads, from /proc) per slice of the window.
 */
final class IdleAgentBench {
    private static final long SETTLE_MILLIS = 5000;

    private final Options options;

    IdleAgentBench(Options options) {
        this.options = options;
    }

    List<Row> measure(Cluster cluster) throws Exception {
        String token = cluster.resourceClassToken("idle");
        LaunchAgentProcess agent = LaunchAgentProcess.start(List.of(), options.work().resolve("idle-agent"),
                "bench-idle", cluster.apiUrl(), token, "", Map.of());
        Process sleep = new ProcessBuilder("sleep", "100000").start();
        try {
            Thread.sleep(SETTLE_MILLIS); // start-up is not idle time
            if (!agent.isAlive()) {
                throw new IllegalStateException("the launch agent exited:\n" + PickupBench.tail(agent.logText()));
            }
            int seconds = options.idleSeconds();
            int sliceSeconds = Math.max(1, seconds / 6);
            List<Double> agentRss = new ArrayList<>();
            List<Double> sleepRss = new ArrayList<>();
            List<Double> agentCpu = new ArrayList<>();
            long agentStart = Processes.cpuTicks(agent.pid());
            long sleepStart = Processes.cpuTicks(sleep.pid());
            long sliceStart = agentStart;
            long windowStart = System.nanoTime();
            long sliceNanos = System.nanoTime();
            for (int second = 1; second <= seconds; second++) {
                Thread.sleep(Math.max(0, windowStart + second * 1_000_000_000L - System.nanoTime()) / 1_000_000);
                agentRss.add(Processes.rssMiB(agent.pid()));
                sleepRss.add(Processes.rssMiB(sleep.pid()));
                if (second % sliceSeconds == 0) {
                    long ticks = Processes.cpuTicks(agent.pid());
                    agentCpu.add(percent(ticks - sliceStart, System.nanoTime() - sliceNanos));
                    sliceStart = ticks;
                    sliceNanos = System.nanoTime();
                }
            }
            long windowNanos = System.nanoTime() - windowStart;
            double agentWindowCpu = percent(Processes.cpuTicks(agent.pid()) - agentStart, windowNanos);
            double sleepWindowCpu = percent(Processes.cpuTicks(sleep.pid()) - sleepStart, windowNanos);
            Stats rss = Stats.of(agentRss);
            Stats cpu = Stats.of(agentCpu);
            return List.of(
                    Row.measured("idle launch agent RSS", "MiB", rss, "sleep process RSS", Stats.of(sleepRss),
                            "<= 64 MiB", rss.median() <= 64, "sampled every second over " + seconds + " s"),
                    Row.measured("idle launch agent CPU", "%", cpu, "sleep process CPU",
                            Stats.of(List.of(sleepWindowCpu)), "<= 0.5%", cpu.median() <= 0.5 && agentWindowCpu <= 0.5,
                            String.format(java.util.Locale.ROOT, "per %d s slice; whole %d s window: %.3f%% "
                                    + "(one clock tick = %.3f%% of the window)", sliceSeconds, seconds,
                                    agentWindowCpu, percent(1, windowNanos))));
        } finally {
            sleep.destroyForcibly();
            agent.kill();
        }
    }

    /** CPU ticks over a wall-clock span, as a percentage of one core. */
    private static double percent(long ticks, long nanos) {
        return 100.0 * ticks / Processes.TICKS_PER_SECOND / (nanos / 1e9);
    }
}
