package dev.runway.it.faults;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.TaskClient;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ProcFs;
import dev.runway.it.support.Waits;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The invariants checked after every run, each recorded in the cluster's tally (a violation names what it saw). */
final class RunChecks {
    private final FaultCluster cluster;
    private final Map<String, FaultJob> jobs;
    private final SecretWatch secrets;
    private final Map<String, JobStatus> finals = new HashMap<>();
    /** How often a check reads the server or /proc again while it waits. */
    static final Duration POLL = Duration.ofMillis(250);
    /** How long a final state must stay what it was. */
    private static final Duration STABLE = Duration.ofSeconds(1);

    RunChecks(FaultCluster cluster, Map<String, FaultJob> jobs, SecretWatch secrets) {
        this.cluster = cluster;
        this.jobs = jobs;
        this.secrets = secrets;
    }

    /** Every submitted job reaches a terminal state. */
    void allFinal(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (String id : jobs.keySet()) {
            JobStatus last = Waits.lastUntil(Duration.between(Instant.now(), deadline), POLL, () -> status(id),
                    status -> status != null && status.state().isFinal());
            if (last != null && last.state().isFinal()) {
                finals.put(id, last);
            }
            cluster.tally.check(finals.containsKey(id), "job " + id + " (" + jobs.get(id).name()
                    + ") reaches a terminal state within " + timeout + "; last: " + last);
        }
    }

    /**
     * ... exactly one: it stays what it was (read again for a second: the same state and attempt count throughout),
     * and the job list shows each job once.
     */
    void stableAndListedOnce() throws Exception {
        Map<String, JobStatus> changed = new HashMap<>();
        Waits.holds(STABLE, POLL, () -> changedFinals(changed).isEmpty());
        for (Map.Entry<String, JobStatus> entry : finals.entrySet()) {
            JobStatus again = changed.getOrDefault(entry.getKey(), entry.getValue());
            cluster.tally.check(!changed.containsKey(entry.getKey()), "job " + entry.getKey()
                    + " keeps its terminal state: first " + entry.getValue().state() + ", then " + again);
            cluster.tally.check(entry.getValue().attempts() <= 4, "job " + entry.getKey()
                    + " was claimed at most 4 times (3 requeues): " + entry.getValue().attempts());
        }
        Map<String, Integer> listed = new HashMap<>();
        try {
            for (JobStatus status : cluster.management.listJobs(FaultCluster.RESOURCE_CLASS, null, 1000).items()) {
                listed.merge(status.id(), 1, Integer::sum);
            }
        } catch (ApiException e) {
            cluster.tally.check(false, "the server lists its jobs: " + e.getMessage());
        }
        for (String id : jobs.keySet()) {
            cluster.tally.check(listed.getOrDefault(id, 0) == 1, "job " + id + " is listed exactly once: "
                    + listed.getOrDefault(id, 0));
        }
    }

    /** Final jobs whose state or attempt count now differs from what was first read (added to {@code changed}). */
    private Map<String, JobStatus> changedFinals(Map<String, JobStatus> changed) throws InterruptedException {
        for (Map.Entry<String, JobStatus> entry : finals.entrySet()) {
            JobStatus again = status(entry.getKey());
            if (again == null || again.state() != entry.getValue().state()
                    || again.attempts() != entry.getValue().attempts()) {
                changed.put(entry.getKey(), again);
            }
        }
        return changed;
    }

    /**
     * A job ends as its own script says unless a kill hit its task: at most {@code allowance} jobs may end
     * otherwise, and each of those says why. Answers how many did (the rest of the allowance is the workflow jobs').
     */
    int outcomes(int allowance) {
        List<String> others = new ArrayList<>();
        finals.forEach((id, status) -> {
            FaultJob job = jobs.get(id);
            if (status.state() != job.ownOutcome()) {
                others.add(job.name() + " " + status.state() + " (" + status.reason() + ")");
                cluster.tally.check(status.reason() != null && !status.reason().isBlank(), "job " + id + " ("
                        + job.name() + ") that ended " + status.state() + " says why");
            }
        });
        cluster.tally.check(others.size() <= allowance, "at most " + allowance + " jobs (one per killed task or "
                + "agent slot) end otherwise than their script says; these did: " + others);
        return others.size();
    }

    /** Output acknowledged is output stored, byte for byte, once: for every job that ended as its script says. */
    void outputsByteExact() throws InterruptedException {
        finals.forEach((id, status) -> {
            FaultJob job = jobs.get(id);
            if (status.state() != job.ownOutcome()) {
                return;
            }
            for (int step = 0; step < job.expectedOutput().size(); step++) {
                byte[] expected = job.expectedOutput().get(step);
                if (expected == null) {
                    continue;
                }
                byte[] stored = output(id, step);
                cluster.tally.check(java.util.Arrays.equals(expected, stored), "job " + id + " (" + job.name()
                        + ") step " + step + " output is byte-exact: " + difference(expected, stored));
            }
        });
    }

    /** Jobs that print their environment show no agent credential and no agent setting. */
    void environmentsClean() {
        Set<String> known = secrets.secrets();
        finals.forEach((id, status) -> {
            FaultJob job = jobs.get(id);
            if (job.kind() != FaultJob.Kind.PRINT_ENV || status.state() != JobState.SUCCESS) {
                return;
            }
            String environment = new String(output(id, 0), StandardCharsets.ISO_8859_1);
            boolean clean = known.stream().noneMatch(environment::contains)
                    && !environment.contains("AUTH_TOKEN") && !environment.contains("LAUNCH_AGENT_")
                    && environment.contains(cluster.marker); // proves it really is the job's environment
            cluster.tally.check(clean, "job " + id + " environment holds no token and no agent setting:\n"
                    + environment);
        });
    }

    /**
     * No process or working directory of a finished task remains (the agents themselves may stay, each with at most
     * two standby task agents waiting for a task, each in its own directory).
     */
    void noLeftovers(Duration timeout) throws IOException {
        record Left(List<ProcFs.Snapshot> processes, List<String> directories, List<ProcFs.Snapshot> standbys) {}
        Left last = Waits.lastUntil(timeout, POLL, () -> {
            List<Long> agents = cluster.agentPids();
            List<ProcFs.Snapshot> marked = ProcFs.withMarker(cluster.marker).stream()
                    .filter(p -> !agents.contains(p.pid())).toList();
            List<ProcFs.Snapshot> waiting = marked.stream().filter(ProcFs::isWaitingStandby).toList();
            Set<String> standbyDirectories = waiting.stream().map(p -> ProcFs.workingDirectory(p.pid()))
                    .flatMap(Optional::stream).map(Path::toString).collect(Collectors.toSet());
            return new Left(marked.stream().filter(p -> !ProcFs.isWaitingStandby(p)).toList(),
                    workDirectoryEntries().stream().filter(d -> !standbyDirectories.contains(d)).toList(), waiting);
        }, found -> found.processes().isEmpty() && found.directories().isEmpty());
        List<ProcFs.Snapshot> left = last.processes();
        List<String> directories = last.directories();
        List<ProcFs.Snapshot> standbys = last.standbys();
        cluster.tally.check(standbys.size() <= 2 * cluster.agents.size(), "at most two standby task agents per agent: "
                + standbys.stream().map(p -> p.pid() + " " + p.argv()).toList());
        cluster.tally.check(left.isEmpty(), "no process of a finished task remains: "
                + left.stream().map(p -> p.pid() + " " + p.argv()).toList());
        cluster.tally.check(directories.isEmpty(), "no working directory of a finished task remains "
                + "(cleanup_working_directory is on): " + directories);
        ProcFs.kill(left.stream().map(ProcFs.Snapshot::pid).toList());
    }

    /**
     * No process of a task is alive after it: besides the agent's marker (above), every process a job's steps start
     * carries the job's own name (CIRCLE_JOB, set by the task agent), and none may be left once the job is final.
     */
    void noProcessOutlivesItsTask(Duration timeout) {
        Map<String, List<ProcFs.Snapshot>> left = Waits.lastUntil(timeout, POLL, () -> {
            Map<String, List<ProcFs.Snapshot>> found = new HashMap<>();
            for (String id : finals.keySet()) {
                List<ProcFs.Snapshot> processes = ProcFs.withMarker("CIRCLE_JOB=" + jobs.get(id).name() + "\0");
                if (!processes.isEmpty()) {
                    found.put(jobs.get(id).name(), processes);
                }
            }
            return found;
        }, Map::isEmpty);
        Map<String, List<String>> described = new HashMap<>();
        left.forEach((name, processes) -> described.put(name, processes.stream().map(p -> p.pid() + " " + p.argv())
                .toList()));
        cluster.tally.check(left.isEmpty(), "no process of a task is alive after it: " + described);
        left.values().forEach(processes -> ProcFs.kill(processes.stream().map(ProcFs.Snapshot::pid).toList()));
    }

    /** No file outside the tasks' directories changed: jobs link to the canary, and cleanup must not follow. */
    void canaryUntouched() throws IOException {
        Map<String, String> now = cluster.canaryState();
        cluster.tally.check(now.equals(cluster.canaryBefore), "no file outside the task's directory changed by "
                + "cleanup (the canary " + cluster.canary + "): before " + cluster.canaryBefore + ", after " + now);
    }

    private List<String> workDirectoryEntries() throws IOException {
        List<String> entries = new ArrayList<>();
        for (LaunchAgentProcess agent : cluster.agents) {
            if (Files.isDirectory(agent.workDirectory())) {
                try (Stream<Path> list = Files.list(agent.workDirectory())) {
                    list.forEach(path -> entries.add(path.toString()));
                }
            }
        }
        return entries;
    }

    /**
     * No task token is valid after its task ended: once every job is final, each token handed out in the run is
     * refused by the job route (which carries the job's secrets) and by the heartbeat.
     */
    void noTaskTokenAfterItsTask() throws InterruptedException {
        Map<String, String> tokens = secrets.taskTokens();
        cluster.tally.check(!tokens.isEmpty() || jobs.isEmpty(), "the suite knows task tokens to try after their "
                + "tasks ended (" + tokens.size() + ")");
        HttpTransport transport = new HttpTransport(cluster.managementUri, Duration.ofSeconds(20));
        for (Map.Entry<String, String> entry : tokens.entrySet()) {
            TaskClient task = new TaskClient(transport, entry.getKey(), entry.getValue());
            cluster.tally.check(refused(task::jobJson), "the token of ended task " + entry.getKey()
                    + " no longer opens its job");
            cluster.tally.check(refused(task::heartbeat), "the token of ended task " + entry.getKey()
                    + " no longer renews its lease");
        }
    }

    /** A call that must fail: refused by the server (4xx), not answered 2xx or lost. */
    private boolean refused(TaskCall call) throws InterruptedException {
        try {
            call.run();
            return false;
        } catch (ApiException e) {
            if (e.status() < 400 || e.status() >= 500) {
                cluster.tally.note("a task call with an ended task's token: " + e.getMessage());
            }
            return e.status() >= 400 && e.status() < 500;
        }
    }

    @FunctionalInterface
    private interface TaskCall {
        Object run() throws ApiException, InterruptedException;
    }

    /** No token in a log file or in any job's stored output. */
    void secretsNowhere() throws IOException {
        Set<String> known = secrets.secrets();
        cluster.tally.check(secrets.taskTokenCount() > 0 || jobs.isEmpty(), "the suite saw the task tokens it "
                + "looks for (" + secrets.taskTokenCount() + ")");
        for (Path log : cluster.logFiles()) {
            if (Files.isRegularFile(log)) {
                String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
                List<String> found = known.stream().filter(text::contains).map(s -> s.substring(0, 6) + "...")
                        .toList();
                cluster.tally.check(found.isEmpty(), "no secret in log " + log + ": " + found);
            }
        }
        finals.forEach((id, status) -> {
            for (int step = 0; step < status.steps().size(); step++) {
                String text = new String(output(id, step), StandardCharsets.ISO_8859_1);
                List<String> found = known.stream().filter(text::contains).map(s -> s.substring(0, 6) + "...")
                        .toList();
                cluster.tally.check(found.isEmpty(), "no secret in the output of job " + id + " step " + step
                        + ": " + found);
            }
        });
    }

    /** After the faults, the server answers and an agent claims a new job within {@code claimTimeout}. */
    void recovers(Random random, Duration claimTimeout) throws Exception {
        boolean answers = cluster.awaitServer(Duration.ofSeconds(30));
        cluster.tally.check(answers, "the server answers after the faults");
        if (!answers) {
            return;
        }
        FaultJob probe = FaultJob.random(random, "probe", List.of(FaultJob.Kind.LINES));
        JobStatus submitted = cluster.management.submitJob(probe.submission(FaultCluster.RESOURCE_CLASS));
        JobStatus claimed = Waits.lastUntil(claimTimeout, Duration.ofMillis(100), () -> status(submitted.id()),
                status -> status != null && status.state() != JobState.QUEUED);
        cluster.tally.check(claimed != null && claimed.state() != JobState.QUEUED, "an agent claims a new job within "
                + claimTimeout + " after the faults end");
        JobStatus status = Waits.lastUntil(Duration.ofSeconds(60), POLL, () -> status(submitted.id()),
                found -> found != null && found.state().isFinal());
        cluster.tally.check(status != null && status.state() == JobState.SUCCESS
                && java.util.Arrays.equals(probe.expectedOutput().get(0), output(submitted.id(), 0)),
                "the job submitted after the faults succeeds with its exact output: " + status);
    }

    private JobStatus status(String id) throws InterruptedException {
        try {
            return cluster.management.jobStatus(id);
        } catch (ApiException e) {
            return null; // the server is coming back
        }
    }

    private byte[] output(String id, int step) {
        return output(cluster, id, step);
    }

    /** Everything stored of a step's output (empty when the server cannot say). */
    static byte[] output(FaultCluster cluster, String id, int step) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long offset = 0;
        try {
            while (true) {
                ManagementClient.OutputChunk chunk = cluster.management.jobOutput(id, step, offset, Duration.ZERO);
                bytes.writeBytes(chunk.data());
                if (chunk.data().length == 0 || chunk.nextOffset() == offset) {
                    return bytes.toByteArray();
                }
                offset = chunk.nextOffset();
            }
        } catch (ApiException e) {
            cluster.tally.note("cannot read output of " + id + " step " + step + ": " + e.getMessage());
            return bytes.toByteArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return bytes.toByteArray();
        }
    }

    /** Where two byte strings part, for a violation's message. */
    static String difference(byte[] expected, byte[] actual) {
        if (java.util.Arrays.equals(expected, actual)) {
            return "equal";
        }
        int at = java.util.Arrays.mismatch(expected, actual);
        return "expected " + expected.length + " bytes, stored " + actual.length + ", first difference at byte "
                + at + " (expected "
                + excerpt(expected, at) + ", stored " + excerpt(actual, at) + ")";
    }

    private static String excerpt(byte[] bytes, int at) {
        if (at >= bytes.length) {
            return "<end>";
        }
        int end = Math.min(bytes.length, at + 40);
        return "\"" + new String(bytes, at, end - at, StandardCharsets.ISO_8859_1).replace("\n", "\\n") + "\"";
    }
}
