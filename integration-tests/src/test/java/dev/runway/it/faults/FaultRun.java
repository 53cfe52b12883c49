package dev.runway.it.faults;

import dev.runway.client.ApiException;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ProcFs;
import dev.runway.it.support.Waits;
import dev.runway.protocol.JobsApi.JobStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One seeded run: submits jobs while it injects faults at random moments of their lives, then lets everything come
 * back and checks the invariants ({@link RunChecks}). Everything random comes from the seed: the jobs, their output,
 * which fault, when, and the proxy's choices (thread timing still varies from run to run).
 */
final class FaultRun {
    /** Faults the schedule may pick. */
    enum Fault {
        KILL_SERVER, KILL_LAUNCH_AGENT, KILL_TASK_AGENT, PROXY_WINDOW, PARTITION, FILL_SERVER_DISK, FILL_WORK_DISK
    }

    /**
     * How big a run is. {@code faults}: how many faults the schedule injects; {@code proxyRate}: see ChaosProxy;
     * {@code pipelines}: how many pipelines of one {@link FaultWorkflow} with {@code fanOut} jobs between its start
     * and its join are triggered among the jobs (the workflow job kind).
     */
    record Settings(int jobs, List<FaultJob.Kind> kinds, Set<Fault> enabled, int faults, double proxyRate,
            int slotsPerAgent, Duration settleTimeout, int pipelines, int fanOut) {
        /** A run of plain jobs only. */
        Settings(int jobs, List<FaultJob.Kind> kinds, Set<Fault> enabled, int faults, double proxyRate,
                int slotsPerAgent, Duration settleTimeout) {
            this(jobs, kinds, enabled, faults, proxyRate, slotsPerAgent, settleTimeout, 0, 0);
        }
    }

    private final FaultCluster cluster;
    private final long seed;
    private final Settings settings;
    private final Random random;
    private final Map<String, FaultJob> submitted = new LinkedHashMap<>();
    private int taskKills;
    private int agentKills;
    private int workDiskFills;
    private final List<Fault> nextFaults = new ArrayList<>();
    private Instant proxyWindowEnd;

    FaultRun(FaultCluster cluster, long seed, Settings settings) {
        this.cluster = cluster;
        this.seed = seed;
        this.settings = settings;
        this.random = new Random(seed);
    }

    /** Runs the schedule, ends every fault, checks the invariants; the cluster's tally holds the outcome. */
    void run() throws Exception {
        List<FaultJob> jobs = new ArrayList<>();
        for (int i = 0; i < settings.jobs(); i++) {
            jobs.add(FaultJob.random(random, String.format("s%x-j%d", seed, i), settings.kinds()));
        }
        cluster.tally.jobs(jobs.size());
        // null: a pipeline to trigger at that place among the jobs
        List<FaultJob> schedule = new ArrayList<>(jobs);
        FaultPipelines pipelines = null;
        if (settings.pipelines() > 0) {
            pipelines = FaultPipelines.create(cluster, FaultWorkflow.random(random, settings.fanOut(),
                    cluster.home.resolve("ledger")));
            for (int i = 0; i < settings.pipelines(); i++) {
                schedule.add(random.nextInt(schedule.size() + 1), null);
            }
        }
        try (SecretWatch secrets = new SecretWatch(cluster)) {
            int faultsLeft = settings.faults();
            int next = 0;
            int triesAfterLastJob = 0;
            // after the last job, faults go on while there is something left to hit (bounded)
            while (next < schedule.size() || faultsLeft > 0 && triesAfterLastJob++ < 40) {
                Thread.sleep(200 + random.nextInt(900)); // the schedule's pace, drawn from the seed
                if (next < schedule.size()) {
                    FaultJob job = schedule.get(next++);
                    if (job != null) {
                        submit(job);
                    } else {
                        pipelines.trigger(String.format("s%x-p%d", seed, pipelines.triggered().size()));
                    }
                }
                endProxyWindowIfDue();
                boolean faultDue = faultsLeft > 0 && (next >= schedule.size() || random.nextInt(3) == 0);
                if (faultDue && inject()) {
                    faultsLeft--;
                } else if (faultDue && next >= schedule.size() && targets < MAX_TARGETS
                        && runningTaskAgents().isEmpty()) {
                    // every job is over before its faults came (task agents start and end quickly): a slow job
                    // gives the faults that need a running task something to hit
                    FaultJob target = FaultJob.random(random, String.format("s%x-t%d", seed, targets++),
                            List.of(FaultJob.Kind.SLOW_LINES));
                    cluster.tally.jobs(1);
                    submit(target);
                }
            }
            endAllFaults();
            phase("faults over" + (faultsLeft > 0 ? " (" + faultsLeft + " could not be injected: nothing to hit)"
                    : ""));
            RunChecks checks = new RunChecks(cluster, submitted, secrets);
            checks.allFinal(settings.settleTimeout());
            WorkflowChecks workflows = pipelines == null ? null : new WorkflowChecks(cluster, pipelines);
            if (workflows != null) {
                workflows.allFinal(settings.settleTimeout());
            }
            phase("all jobs final");
            checks.stableAndListedOnce();
            // a kill costs the tasks it hits; a full working directory may fail any task writing there
            int slotsHit = (agentKills + workDiskFills * cluster.agents.size()) * settings.slotsPerAgent();
            int plainHit = checks.outcomes(taskKills + slotsHit);
            checks.outputsByteExact();
            if (workflows != null) {
                workflows.stable();
                workflows.requiresAndOutcomes(Math.max(0, taskKills + slotsHit - plainHit));
                workflows.outputsByteExact();
            }
            checks.environmentsClean();
            checks.noLeftovers(Duration.ofSeconds(20));
            checks.noProcessOutlivesItsTask(Duration.ofSeconds(10));
            checks.canaryUntouched();
            checks.secretsNowhere();
            checks.noTaskTokenAfterItsTask();
            phase("invariants checked");
            checks.recovers(random, Duration.ofSeconds(10));
            phase("recovered");
        }
    }

    private final Instant started = Instant.now();
    /** Slow jobs added when nothing is left for a fault to hit; bounded, so that a run always ends. */
    private static final int MAX_TARGETS = 3;
    private int targets;

    private void phase(String what) {
        System.out.println("[faults] +" + Duration.between(started, Instant.now()).toSeconds() + "s " + what);
    }

    private void submit(FaultJob job) throws Exception {
        java.util.concurrent.atomic.AtomicReference<ApiException> refused = new java.util.concurrent.atomic
                .AtomicReference<>();
        JobStatus status = Waits.lastUntil(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
            try {
                return cluster.management.submitJob(job.submission(FaultCluster.RESOURCE_CLASS));
            } catch (ApiException e) {
                refused.set(e);
                return null; // the server is coming back, unless it refused the job (below)
            }
        }, answer -> answer != null || refused.get() != null && refused.get().status() != 0
                && refused.get().status() < 500);
        if (status == null) {
            throw new AssertionError("cannot submit " + job.name() + ": " + refused.get().getMessage(),
                    refused.get());
        }
        submitted.put(status.id(), job);
    }

    /**
     * Picks and injects one fault; false when the one picked cannot happen now (e.g. no task agent runs). Faults
     * come in rounds of every enabled kind in a shuffled order, so even a short run injects each kind.
     */
    private boolean inject() throws Exception {
        if (nextFaults.isEmpty()) {
            nextFaults.addAll(EnumSet.copyOf(settings.enabled()));
            java.util.Collections.shuffle(nextFaults, random);
        }
        Fault fault = nextFaults.get(0);
        boolean injected = inject(fault);
        nextFaults.remove(0);
        if (!injected) {
            nextFaults.add(fault); // not possible right now: later
        }
        return injected;
    }

    private boolean inject(Fault fault) throws Exception {
        switch (fault) {
            case KILL_SERVER -> {
                cluster.server.kill();
                Thread.sleep(random.nextInt(3_000));
                cluster.restartServer();
                cluster.tally.injected("SIGKILL + restart of the server");
            }
            case KILL_LAUNCH_AGENT -> {
                LaunchAgentProcess agent = cluster.agents.get(random.nextInt(cluster.agents.size()));
                agent.kill();
                Thread.sleep(random.nextInt(2_000));
                agent.start();
                agentKills++;
                cluster.tally.injected("SIGKILL + restart of a launch agent");
            }
            case KILL_TASK_AGENT -> {
                List<ProcFs.Snapshot> taskAgents = runningTaskAgents();
                if (taskAgents.isEmpty()) {
                    return false;
                }
                ProcFs.kill(List.of(taskAgents.get(random.nextInt(taskAgents.size())).pid()));
                taskKills++;
                cluster.tally.injected("SIGKILL of a task agent");
            }
            case PROXY_WINDOW -> {
                if (cluster.proxy == null || proxyWindowEnd != null) {
                    return false;
                }
                cluster.proxy.faultRate(settings.proxyRate());
                proxyWindowEnd = Instant.now().plusMillis(2_000 + random.nextInt(6_000));
                cluster.tally.injected("proxy fault window");
            }
            case PARTITION -> {
                if (cluster.network == null || runningTaskAgents().isEmpty()) {
                    return false;
                }
                cluster.network.cut();
                Thread.sleep(1_000 + random.nextInt(7_000));
                cluster.network.restore();
                cluster.tally.injected("link between agent and server namespaces cut, then restored");
            }
            case FILL_SERVER_DISK -> {
                if (cluster.serverDisk == null || runningTaskAgents().isEmpty()) {
                    return false;
                }
                fillFor(cluster.serverDisk, "the server's data directory");
            }
            case FILL_WORK_DISK -> {
                if (cluster.workDisks.isEmpty() || runningTaskAgents().isEmpty()) {
                    return false;
                }
                fillFor(cluster.workDisks.get(random.nextInt(cluster.workDisks.size())), "a working directory");
                workDiskFills++;
            }
            default -> throw new IllegalStateException(fault.toString());
        }
        return true;
    }

    /** Task agents of this run alive now, with a task (a fault that should hit a task waits for one). */
    private List<ProcFs.Snapshot> runningTaskAgents() {
        return ProcFs.withMarker(cluster.marker).stream()
                .filter(p -> p.commandLine().contains("\0task-agent\0") && !ProcFs.isWaitingStandby(p)).toList();
    }

    private void fillFor(TmpfsMount disk, String what) throws IOException, InterruptedException {
        long filled = disk.fill();
        try {
            Thread.sleep(2_000 + random.nextInt(4_000));
        } finally {
            disk.free();
        }
        cluster.tally.injected("full disk (" + what + ")");
        cluster.tally.note("filled " + disk.path() + " with " + filled + " bytes");
    }

    private void endProxyWindowIfDue() {
        if (proxyWindowEnd != null && Instant.now().isAfter(proxyWindowEnd)) {
            cluster.proxy.faultRate(0);
            proxyWindowEnd = null;
        }
    }

    /** Every fault ends: proxy faults off, the server and every agent running. */
    private void endAllFaults() throws IOException, InterruptedException {
        if (cluster.proxy != null) {
            cluster.proxy.faultRate(0);
        }
        proxyWindowEnd = null;
        if (!cluster.server.isAlive()) {
            cluster.restartServer();
        }
        for (LaunchAgentProcess agent : cluster.agents) {
            if (!agent.isAlive()) {
                cluster.tally.check(false, "launch agent " + agent.directory() + " stays up through the faults "
                        + "(it had exited; started again)");
                agent.start();
            }
        }
    }
}
