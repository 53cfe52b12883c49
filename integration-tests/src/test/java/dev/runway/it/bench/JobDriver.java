package dev.runway.it.bench;

import dev.runway.it.support.Waits;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Submits jobs to one resource class and waits for them; the first step of a timed job stamps the time it ran. */
final class JobDriver {
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Polls of the server while jobs run: fewer polls disturb the measured processes less. */
    static final Duration POLL = Duration.ofMillis(50);

    private final Cluster cluster;
    private final String resourceClass;
    private final Path markers;
    private final Supplier<String> agentLog;
    private int sequence;

    JobDriver(Cluster cluster, String resourceClass, Path markers, Supplier<String> agentLog) throws Exception {
        this.cluster = cluster;
        this.resourceClass = resourceClass;
        this.markers = Files.createDirectories(markers);
        this.agentLog = agentLog;
    }

    /**
     * Milliseconds from just before the submit request to the first step running (it writes {@code date +%s%N});
     * returns once the job is over, the agent had a moment to go back to its long poll and the machine is quiet
     * (the agent's standby task agent started).
     */
    double pickupMillis() throws Exception {
        Path marker = markers.resolve("started-" + (++sequence));
        long submitted = Processes.epochNanos();
        JobStatus job = cluster.management.submitJob(JobSubmission.ofCommands(resourceClass, "pickup-" + sequence,
                "date +%s%N > " + marker));
        awaitFinal(List.of(job.id()));
        long started = Long.parseLong(Files.readString(marker).strip());
        settle();
        return (started - submitted) / 1e6;
    }

    /**
     * After a measured job: 200 ms for the agent to go back to its long poll (a pause, not a wait for something),
     * then until the machine is quiet (the agent's standby task agent started).
     */
    static void settle() throws Exception {
        Thread.sleep(200);
        Processes.awaitQuiet();
    }

    String agentLog() {
        return agentLog.get();
    }

    /**
     * What a batch of trivial jobs took: jobs per second, the machine's CPU time per job (every process), and the
     * shares of it the server, the launch agent and this harness used (the rest: task agents and their shells).
     */
    record Throughput(double jobsPerSecond, double cpuMillisPerJob, double serverMillisPerJob,
            double agentMillisPerJob, double harnessMillisPerJob) {
        double taskAgentMillisPerJob() {
            return cpuMillisPerJob - serverMillisPerJob - agentMillisPerJob - harnessMillisPerJob;
        }
    }

    /** {@code count} trivial jobs submitted at once, timed until the last one is over; the agent is process agentPid. */
    Throughput jobsPerSecond(int count, long agentPid) throws Exception {
        long self = ProcessHandle.current().pid();
        long serverBefore = Processes.cpuTicks(cluster.server.pid());
        long agentBefore = Processes.cpuTicks(agentPid);
        long harnessBefore = Processes.cpuTicks(self);
        double busyBefore = Processes.machineBusyMillis();
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(cluster.management.submitJob(JobSubmission.ofCommands(resourceClass, "trivial-" + i, "true")).id());
        }
        awaitFinal(ids);
        double seconds = (System.nanoTime() - start) / 1e9;
        double busy = Processes.machineBusyMillis() - busyBefore;
        return new Throughput(count / seconds, busy / count,
                perJob(Processes.cpuTicks(cluster.server.pid()) - serverBefore, count),
                perJob(Processes.cpuTicks(agentPid) - agentBefore, count),
                perJob(Processes.cpuTicks(self) - harnessBefore, count));
    }

    private static double perJob(long ticks, int count) {
        return ticks * 1000.0 / Processes.TICKS_PER_SECOND / count;
    }

    /**
     * Waits until every job is over (and fails unless each succeeded), polling every 50 ms in this thread (no poller
     * thread beside the measured processes): the pickup figures come from the step's own clock, and the jobs/s
     * figure, which ends when this returns, is read to 50 ms, small beside a batch's seconds.
     */
    private void awaitFinal(List<String> jobIds) throws Exception {
        for (String id : jobIds) {
            JobStatus status = Waits.lastUntil(TIMEOUT, POLL, () -> cluster.management.jobStatus(id),
                    found -> found.state().isFinal());
            if (!status.state().isFinal()) {
                throw new IllegalStateException("job " + status.id() + " still " + status.state() + " after "
                        + TIMEOUT.toSeconds() + " s; agent log:\n" + agentLog.get());
            }
            if (status.state() != JobState.SUCCESS) {
                throw new IllegalStateException("job " + status.id() + " ended " + status.state() + "; agent log:\n"
                        + agentLog.get());
            }
        }
    }
}
