package dev.runway.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Start-up figures: {@code runway --version} against {@code java -version} of the image's own runtime, and the
 * pickup floor's parts: the task agent's JVM started alone, {@code bash -c true}. Runs alternate so that both sides
 * of a ratio see the same machine load.
 */
final class StartupBench {
    private final Options options;
    private Stats pickupFloor;
    private Stats taskAgentJvm;

    StartupBench(Options options) {
        this.options = options;
    }

    Row version() throws Exception {
        List<Double> runway = new ArrayList<>();
        List<Double> java = new ArrayList<>();
        Processes.timeMillis(options.runway().toString(), "--version"); // page cache warm, as for any later start
        for (int i = 0; i < options.startupRuns(); i++) {
            runway.add(Processes.timeMillis(options.runway().toString(), "--version"));
            java.add(Processes.timeMillis(options.java().toString(), "-version"));
        }
        Stats floor = Stats.of(java);
        Stats figure = Stats.of(runway);
        return Row.measured("runway --version, cold process", "ms", figure, "image's bin/java -version", floor,
                "<= 1.5x floor", figure.median() <= 1.5 * floor.median(), "");
    }

    /**
     * JVM start of the task agent alone ({@code runway task-agent} with no token on stdin: the launcher script, the
     * JVM, its arguments read (as a task agent started by the launch agent: without picocli), then exit 2) plus
     * {@code bash -c true}, summed run by run.
     */
    Stats pickupFloor() throws Exception {
        if (pickupFloor == null) {
            List<Double> jvm = new ArrayList<>();
            List<Double> sum = new ArrayList<>();
            for (int i = 0; i < options.startupRuns(); i++) {
                double agent = taskAgentJvmMillis();
                double bash = Processes.timeMillis("bash", "-c", "true");
                jvm.add(agent);
                sum.add(agent + bash);
            }
            taskAgentJvm = Stats.of(jvm);
            pickupFloor = Stats.of(sum);
        }
        return pickupFloor;
    }

    /** One start of the task agent alone ({@code runway task-agent} with no token: exits 2 after its arguments). */
    double taskAgentJvmMillis() throws Exception {
        return Processes.timeMillis(options.runway().toString(), "task-agent", "--api-url", "http://127.0.0.1:9",
                "--task-id", "bench-floor");
    }

    /** One floor pickup of the process launcher: the task agent alone, then {@code bash -c true}. */
    double pickupFloorMillis() throws Exception {
        return taskAgentJvmMillis() + Processes.timeMillis("bash", "-c", "true");
    }

    /** What the floor itself reaches with several slots at once: floor pickups per second, and CPU time per pickup. */
    record ParallelFloor(double pickupsPerSecond, double cpuMillisPerPickup) {}

    /**
     * {@code count} floor pickups (the task agent alone, then {@code bash -c true}) run by {@code slots} threads,
     * each starting one after another, timed from the first start to the last exit. This is the jobs/s floor run
     * the way the jobs run, on this machine's cores, rather than multiplied up from one pickup.
     */
    ParallelFloor pickupFloorInParallel(int slots, int count) throws Exception {
        Processes.awaitQuiet(Duration.ofSeconds(30)); // as before the jobs it is set against
        AtomicInteger left = new AtomicInteger(count);
        ExecutorService pool = Executors.newFixedThreadPool(slots);
        double busyBefore = Processes.machineBusyMillis();
        long start = System.nanoTime();
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int slot = 0; slot < slots; slot++) {
                threads.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        pickupFloorMillis();
                    }
                    return null;
                }));
            }
            for (Future<?> thread : threads) {
                thread.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ParallelFloor(count / seconds, (Processes.machineBusyMillis() - busyBefore) / count);
    }

    /** The JVM part of {@link #pickupFloor()} (measured with it). */
    Stats taskAgentJvm() throws Exception {
        pickupFloor();
        return taskAgentJvm;
    }
}
