package dev.runway.it.bench;

import dev.runway.it.support.LaunchAgentProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Pickup (submit -> first step running) and jobs per second through the real parts: the image's server, its launch
 * agent with the process launcher, its task agents.
 */
final class PickupBench {
    private static final int WARM_UP_JOBS = 2;

    private final Options options;
    private final StartupBench startup;

    PickupBench(Options options, StartupBench startup) {
        this.options = options;
        this.startup = startup;
    }

    /**
     * With the defaults, a task ending leaves a standby task agent waiting for the next task (runner.standby_timeout),
     * so every pickup but the first after an idle spell finds one. The pickups of an agent without it are shown
     * beside them, as are the memory the waiting standby holds.
     */
    List<Row> processLauncher(Cluster cluster) throws Exception {
        String floorName = "task agent JVM alone + bash -c true";
        List<Row> rows = new ArrayList<>(withAgent(cluster, "pickup-process", "", (jobs, agentPid) -> {
            List<Row> measured = new ArrayList<>(pickupRows("process launcher", jobs, startup::pickupFloorMillis,
                    floorName));
            measured.add(Row.info("standby task agent RSS, waiting for a task", "MiB", standbyRss(agentPid),
                    "the JVM a launch agent keeps started after a task, for runner.standby_timeout (default 5m)"));
            return measured;
        }));
        for (Row cold : withAgent(cluster, "pickup-cold", "standby_timeout: 0", (jobs, agentPid) ->
                pickupRows("process launcher", jobs, startup::pickupFloorMillis, floorName))) {
            rows.add(cold.asInfo(cold.figure().replace("pickup", "pickup without a standby"), "standby_timeout: 0 "
                    + "(as the first pickup after an idle spell, and every pickup with a command_prefix)"));
        }
        for (Row reaping : withAgent(cluster, "pickup-subreaper", "", Map.of("LAUNCH_AGENT_RUNNER_LAUNCHER",
                "subreaper"), (jobs, agentPid) -> pickupRows("subreaper launcher", jobs, startup::pickupFloorMillis,
                floorName))) {
            rows.add(reaping.asInfo(reaping.figure(), "the launcher of containers and hosts without systemd (the "
                    + "Docker image's): the process launcher, with the agent a child subreaper"));
        }
        return rows;
    }

    /** RSS of the launch agent's standby task agent, sampled 5 times. */
    private static Stats standbyRss(long agentPid) throws Exception {
        ProcessHandle standby = ProcessHandle.of(agentPid).orElseThrow().descendants()
                .filter(PickupBench::isStandby).findFirst()
                .orElseThrow(() -> new IllegalStateException("no standby task agent under pid " + agentPid));
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            samples.add(Processes.rssMiB(standby.pid()));
            Thread.sleep(200);
        }
        return Stats.of(samples);
    }

    /** One measurement of a pickup's floor. */
    interface FloorSample {
        double millis() throws Exception;
    }

    interface AgentWork<T> {
        T run(JobDriver jobs, long agentPid) throws Exception;
    }

    /** Runs {@code work} against a launch agent (process launcher) of its own resource class {@code name}. */
    <T> T withAgent(Cluster cluster, String name, String runnerYaml, AgentWork<T> work) throws Exception {
        return withAgent(cluster, name, runnerYaml, Map.of(), work);
    }

    /** As above, with {@code environment} added to the agent's (e.g. a launcher other than the config's). */
    private <T> T withAgent(Cluster cluster, String name, String runnerYaml, Map<String, String> environment,
            AgentWork<T> work) throws Exception {
        Path directory = options.work().resolve(name);
        LaunchAgentProcess agent = LaunchAgentProcess.start(List.of(), directory, "bench-" + name, cluster.apiUrl(),
                cluster.resourceClassToken(name), runnerYaml, environment);
        try {
            return work.run(new JobDriver(cluster, Cluster.resourceClass(name), directory.resolve("markers"),
                    () -> tail(agent.logText())), agent.pid());
        } finally {
            agent.kill();
        }
    }

    /**
     * p50 and p99 of {@code pickupJobs} pickups, per run; the rows show median, min and max over the runs. A floor
     * sample is taken after every pickup, so that figure and floor see the same machine (its speed drifts by tens
     * of milliseconds per JVM start over a minute here); the floor is the median of all of them.
     */
    List<Row> pickupRows(String launcher, JobDriver jobs, FloorSample floorSample, String floorName)
            throws Exception {
        for (int i = 0; i < WARM_UP_JOBS; i++) {
            jobs.pickupMillis();
        }
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < options.pickupJobs(); i++) {
                millis.add(jobs.pickupMillis());
                floors.add(floorSample.millis());
            }
            p50.add(Stats.percentile(millis, 50));
            p99.add(Stats.percentile(millis, 99));
        }
        String jobsNote = options.pickupJobs() + " jobs per run, one at a time, the agent long-polling; a floor"
                + " sample after each";
        Stats p50Stats = Stats.of(p50);
        Stats p99Stats = Stats.of(p99);
        Stats floor = Stats.of(floors);
        return List.of(
                Row.measured("pickup p50, " + launcher, "ms", p50Stats, floorName, floor, "<= 1.3x floor",
                        p50Stats.median() <= 1.3 * floor.median(), jobsNote),
                Row.measured("pickup p99, " + launcher, "ms", p99Stats, floorName, floor, "<= 2x floor",
                        p99Stats.median() <= 2 * floor.median(), ""));
    }

    /**
     * Trivial jobs through an agent with 4 slots, against 4 slots each doing one floor pickup after another; beside it
     * the CPU time the machine spent per job and the rate its cores allow at that cost (the floor assumes 4 task
     * agent starts in parallel cost no more time than one, which needs 4 free cores).
     */
    List<Row> jobsPerSecond(Cluster cluster) throws Exception {
        List<JobDriver.Throughput> runs = withAgent(cluster, "jobs-per-second", "max_concurrent_tasks: 4",
                this::throughputRuns);
        List<StartupBench.ParallelFloor> parallelFloor = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            parallelFloor.add(startup.pickupFloorInParallel(4, options.concurrentJobs()));
        }
        Stats floorFourAtOnce = Stats.of(parallelFloor.stream().map(StartupBench.ParallelFloor::pickupsPerSecond)
                .toList());
        Stats floorCpu = Stats.of(parallelFloor.stream().map(StartupBench.ParallelFloor::cpuMillisPerPickup).toList());
        Stats floorPickup = startup.pickupFloor();
        Stats floor = new Stats(4000 / floorPickup.median(), 4000 / floorPickup.max(), 4000 / floorPickup.min(),
                floorPickup.count());
        Stats figure = Stats.of(runs.stream().map(JobDriver.Throughput::jobsPerSecond).toList());
        Stats cpu = Stats.of(runs.stream().map(JobDriver.Throughput::cpuMillisPerJob).toList());
        int cores = Runtime.getRuntime().availableProcessors();
        Stats ceiling = Stats.of(runs.stream().map(run -> cores * 1000 / run.cpuMillisPerJob()).toList());
        return List.of(Row.measured("jobs/s, trivial jobs, 4 slots", "jobs/s", figure, "4 slots / floor pickup", floor,
                ">= 0.7x floor", figure.median() >= 0.7 * floor.median(),
                options.concurrentJobs() + " jobs submitted at once per run, timed until the last is over"),
                Row.info("CPU time per trivial job (every process of the machine)", "ms", cpu,
                        "server, launch agent, task agent, shells and this harness, from /proc/stat"),
                Row.info("jobs/s the machine's cores allow at that CPU time", "jobs/s", ceiling,
                        cores + " cores x 1000 / CPU ms per job"),
                Row.info("floor pickups, 4 at a time on this machine", "pickups/s", floorFourAtOnce,
                        "4 threads, each starting the task agent alone then bash -c true, one after another; "
                                + options.concurrentJobs() + " per run"),
                Row.infoBeside("jobs/s against the floor run 4 at a time", "jobs/s", figure,
                        "floor pickups, 4 at a time", floorFourAtOnce, "what the cores allow the floor itself"),
                Row.info("CPU time per floor pickup, 4 at a time", "ms", floorCpu, "every process of the machine"),
                cpuShare("task agents and their shells", runs, JobDriver.Throughput::taskAgentMillisPerJob,
                        "the machine's CPU time less the three processes below"),
                cpuShare("launch agent", runs, JobDriver.Throughput::agentMillisPerJob, "/proc/PID/stat"),
                cpuShare("server", runs, JobDriver.Throughput::serverMillisPerJob, "/proc/PID/stat"),
                cpuShare("harness (submits and polls the jobs)", runs, JobDriver.Throughput::harnessMillisPerJob,
                        "/proc/self/stat"));
    }

    /** A warm-up batch of 4 jobs, then one batch per run. */
    private List<JobDriver.Throughput> throughputRuns(JobDriver jobs, long agentPid) throws Exception {
        jobs.jobsPerSecond(4, agentPid);
        List<JobDriver.Throughput> measured = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            // the machine's CPU counts as the jobs': what earlier sections left the kernel to do (a namespaced
            // systemd's cgroups going away, seen as 40 ms more per job in a full run) must be over first
            Processes.awaitQuiet(Duration.ofSeconds(30));
            measured.add(jobs.jobsPerSecond(options.concurrentJobs(), agentPid));
        }
        return measured;
    }

    private static Row cpuShare(String part, List<JobDriver.Throughput> runs,
            ToDoubleFunction<JobDriver.Throughput> share, String source) {
        return Row.info("  of it: " + part, "ms", Stats.of(runs.stream().map(share::applyAsDouble).toList()), source);
    }

    /** A waiting task agent's JVM (ProcessHandle's command line is cut short: read /proc). */
    private static boolean isStandby(ProcessHandle process) {
        try {
            String commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"),
                    StandardCharsets.ISO_8859_1);
            return commandLine.contains("\0--standby\0") && process.info().command().orElse("").endsWith("/java");
        } catch (IOException gone) {
            return false;
        }
    }

    static String tail(String log) {
        return log.length() <= 4000 ? log : "..." + log.substring(log.length() - 4000);
    }
}
