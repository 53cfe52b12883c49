package dev.runway.agent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.protocol.TaskAgentInvocation;
import dev.runway.protocol.TaskWire;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one claimed task from start to end: its working directory, its state file, the task agent (through the
 * launcher, the task token on stdin), the lease heartbeat, max_run_time and cancellation (both through
 * {@link TaskProcess#stop()}, the TERM-grace-KILL ladder), the report when the task agent could not finish the task
 * itself, and cleanup. Every log line carries the task id.
 *
 * <p>The task's slot is free once its task agent and every process it started are gone and its end is reported: the
 * removal of its working directory ({@code cleanup_working_directory}) comes after that, while the next task may
 * already run, unless every task shares one directory. Where the launcher hears the task agent say that the server
 * has its result, and the server confirms it, the slot may go back before that task agent has exited
 * ({@link Events#resultIn}); its tree is still reaped as before.
 */
final class TaskSupervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);
    static final String MDC_TASK_ID = "task_id";
    /** Time a task agent gets to start up (its own clock starts later than ours) and report after its ladder. */
    static final Duration REPORT_TIME = Duration.ofSeconds(15);
    /** Heartbeats also carry cancellation: not rarer than this, whatever the lease. */
    static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    /** How long a failure report sent before the ladder may hold the ladder back (the server may be away). */
    static final Duration REPORT_BEFORE_STOP = Duration.ofSeconds(3);

    /** Why a running task agent was stopped by the launch agent. */
    enum StopReason {
        CANCELED_BY_SERVER("the job was canceled and the task agent did not stop in time", false),
        MAX_RUN_TIME("max_run_time exceeded", true),
        LOST("the server no longer knows this task (lease lost or token revoked)", false),
        AGENT_SHUTDOWN("the launch agent was told to stop (second SIGTERM/SIGINT): its tasks were stopped", true);

        final String text;
        /**
         * The launch agent reports the task failed before the ladder: a task agent that gets SIGTERM reports its task
         * canceled, which would hide why it was stopped (the server keeps the first result).
         */
        final boolean reportBeforeStopping;

        StopReason(String text, boolean reportBeforeStopping) {
            this.text = text;
            this.reportBeforeStopping = reportBeforeStopping;
        }
    }

    private final AgentContext context;
    private final ClaimResponse claim;
    private final int slot;
    /** The user this task runs as (runner.task_user for its slot); null = the agent's own user. */
    private final String taskUser;
    private final TaskClient client;
    private final Events events;
    /** The slot went back at the task's end (guarded by this). */
    private boolean slotFreed;
    /** The task agent said its result is in ({@link TaskProcess#resultReported}), and that was looked at. */
    private boolean resultReportedSeen;
    /**
     * The slot went to the next task once the server had closed this one, while its task agent still exited
     * (guarded by this; {@link #giveSlotBeforeExit}).
     */
    private volatile boolean slotGivenBeforeExit;
    /** A task agent already started for the next task, or null: this task then starts its own. */
    private StandbyTaskAgent.Waiting standby;
    private String launchId;
    private volatile TaskProcess process;
    private volatile StopReason stopReason;
    /** Completed by {@link #stop}: the supervising thread then applies the stop (reports, then the ladder). */
    private final CompletableFuture<StopReason> stopRequested = new CompletableFuture<>();
    private boolean stopApplied;
    /** The failure report sent before the ladder, or null; whether it was delivered. */
    private CompletableFuture<Boolean> reportBeforeStop;
    private volatile Instant endedOnServerAt;
    private Instant canceledAt;
    /** The job's number ("Job #12", as the CLI shows it) once the job is fetched; "?" until then. */
    private volatile String jobNumber = "?";
    /** The job's JSON and number, fetched while the working directory and state file are made; null until then. */
    private CompletableFuture<FetchedJob> fetchedJob;

    /** What the launch agent hears of a task's course, each on the task's thread. */
    interface Events {
        /** The task went to the standby task agent: the next task's standby may start now. */
        void handedToStandby();

        /**
         * Whether the claim loop holds a claim for this task's slot that the server answers once it has closed the
         * task ({@link ClaimLoop#claimsForBusySlots}): then the task agent's "result reported" line needs no
         * heartbeat to confirm it, the claim's answer does.
         */
        boolean slotsClaimedWhileBusy();

        /**
         * The server has the task's result and its task agent only exits now: its slot may take the next task before
         * the task agent and its tree are gone. Answers whether it was given back then; {@link #slotFree} still
         * follows once they are gone.
         */
        boolean resultIn(TaskSupervisor task);

        /**
         * The task is over: reported, its task agent and every process of its tree gone. Its slot may take the next
         * task; the working directory may still be being removed. Once per task, before {@link #ended}.
         */
        void slotFree(TaskSupervisor task);

        /** Everything of the task is done, its cleanup included. */
        void ended(TaskSupervisor task);
    }

    TaskSupervisor(AgentContext context, ClaimResponse claim, int slot, TaskClient client,
            StandbyTaskAgent.Waiting standby, Events events) {
        this.context = context;
        this.claim = claim;
        this.slot = slot;
        this.taskUser = context.config().runner().taskUserFor(slot);
        this.client = client;
        this.standby = standby;
        this.launchId = standby != null ? standby.process().launchId() : UUID.randomUUID().toString();
        this.events = events;
    }

    /** The slot (1..max_concurrent_tasks) this task runs in; given back when it ends. */
    int slot() {
        return slot;
    }

    /** Whether the slot was given back before the task agent had exited ({@link Events#resultIn}). */
    boolean slotGivenBeforeExit() {
        return slotGivenBeforeExit;
    }

    /**
     * Whether the slot may go to the next task before this task agent exits, once the server has closed the task:
     * its task agent runs, its launcher keeps its processes apart from the next task's
     * ({@link TaskProcess#slotMayGoBeforeExit}), nothing is stopping it, and its slot has not gone back yet.
     */
    synchronized boolean mayGiveSlotBeforeExit() {
        return process != null && process.slotMayGoBeforeExit() && stopReason == null && holdsSlot();
    }

    /** Whether the task's slot is still its own: not gone back at its end, nor to the next task before that. */
    synchronized boolean holdsSlot() {
        return !slotFreed && !slotGivenBeforeExit;
    }

    /**
     * The server closed the task ({@code closedOnServer}: as the answer to a claim for this slot says) and the slot
     * goes to the next task while this task agent exits; false when it may not ({@link #mayGiveSlotBeforeExit}).
     */
    synchronized boolean giveSlotBeforeExit(boolean closedOnServer) {
        if (!mayGiveSlotBeforeExit()) {
            return false;
        }
        slotGivenBeforeExit = true;
        if (closedOnServer && endedOnServerAt == null) {
            endedOnServerAt = context.clock().instant(); // no heartbeat needs to confirm it: the grace period runs
        }
        return true;
    }

    String taskId() {
        return claim.taskId();
    }

    /**
     * Stops the task agent with the ladder (idempotent); the run then reports the task and ends. The supervising
     * thread applies it, so a report that must precede the ladder never holds up the caller (a signal handler).
     */
    void stop(StopReason reason) {
        synchronized (this) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }
        stopRequested.complete(reason);
    }

    /** On the supervising thread, once the task agent runs: the report that must come first, then the ladder. */
    private void applyStop(Path outputLog) throws InterruptedException {
        if (stopApplied || stopReason == null) {
            return;
        }
        stopApplied = true;
        StopReason reason = stopReason;
        if (reason.reportBeforeStopping) {
            reportBeforeStop = CompletableFuture.supplyAsync(() -> {
                try {
                    return reason == StopReason.MAX_RUN_TIME ? reportTimedOut(reason.text)
                            : report(reason.text, null, outputLog);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, runnable -> {
                Thread thread = new Thread(runnable, "report-" + claim.taskId());
                thread.setDaemon(true);
                thread.start();
            });
            try {
                reportBeforeStop.get(REPORT_BEFORE_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("[task {}] the failure report is still under way; stopping the task agent anyway",
                        claim.taskId());
            }
        }
        LOG.info("[task {}] stopping the task agent: {}", claim.taskId(), reason.text);
        process.stop();
    }

    /** SIGKILL to the task's whole tree at once (third signal). */
    void kill() {
        TaskProcess running = process;
        if (running != null) {
            running.kill();
        }
    }

    @Override
    public void run() {
        MDC.put(MDC_TASK_ID, claim.taskId());
        context.metrics().taskStarted();
        boolean success = false;
        try {
            success = supervise();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("[task {}] supervision failed", claim.taskId(), e);
        } finally {
            context.metrics().taskEnded(success);
            MDC.remove(MDC_TASK_ID);
            freeSlot();
            events.ended(this);
        }
    }

    /** Once: the task's slot goes back (its processes are gone, its end reported). */
    private void freeSlot() {
        synchronized (this) {
            if (slotFreed) {
                return;
            }
            slotFreed = true;
        }
        events.slotFree(this);
    }

    private boolean supervise() throws InterruptedException {
        LOG.info("[task {}] claimed: job {} ({}), launch id {}", claim.taskId(), claim.jobName(), claim.jobId(),
                launchId);
        fetchedJob = fetchJob();
        Path workingDirectory;
        try {
            workingDirectory = context.workingDirectories().resolve(claim.allocation());
            if (standby == null || !adoptStandbyDirectory(workingDirectory)) {
                WorkingDirectories.create(workingDirectory, taskUser);
            }
        } catch (IOException | RuntimeException e) {
            discardStandby();
            report("could not prepare the working directory: " + e.getMessage(), null, null);
            return false;
        }
        saveState(workingDirectory);
        Duration maxRunTime = effectiveMaxRunTime();
        if (standby != null) {
            process = handOverToStandby(workingDirectory, maxRunTime);
        }
        Path outputLog = context.taskLogDirectory().resolve(launchId + ".log");
        if (process == null) {
            try {
                process = context.launcher().start(new LaunchSpec(launchId, taskAgentCommand(maxRunTime),
                        TaskEnvironment.forTask(System.getenv(), context.config().runner().environment(), launchId,
                                workingDirectory,
                                context.resourceClassToken()),
                        workingDirectory, new byte[0], outputLog, Limits.NONE, taskUser), taskAgentInputWhenFetched());
            } catch (LaunchException | RuntimeException e) {
                boolean reported = report("could not launch the task agent: " + redact(e.getMessage()), null,
                        outputLog);
                finish(workingDirectory, outputLog, false, reported);
                return false;
            }
            LOG.info("[task {}] task agent started (pid {}) in {}", claim.taskId(), process.pid(), workingDirectory);
        }
        applyStop(outputLog); // when a shutdown arrived while it was starting
        ExitStatus exit = superviseUntilExit(maxRunTime, outputLog);
        // The task agent's exit status tells the result it reported (TaskAgentInvocation): a task is counted a
        // success only when it succeeded, not when its task agent merely reported a failed or canceled one.
        Optional<TaskStatus> reportedStatus = exit.signal() == 0 ? TaskAgentInvocation.reportedStatus(exit.code())
                : Optional.empty();
        boolean success = reportedStatus.orElse(null) == TaskStatus.SUCCESS && stopReason == null
                && canceledAt == null;
        boolean reported = true;
        if (success) {
            LOG.info("[task {}] job #{} {} ended success (task agent: {})", claim.taskId(), jobNumber,
                    claim.jobName(), exit);
        } else if (reportedStatus.isPresent() && stopReason == null) {
            LOG.info("[task {}] job #{} {} ended {} (task agent: {})", claim.taskId(), jobNumber, claim.jobName(),
                    reportedStatus.get().name().toLowerCase(Locale.ROOT), exit);
        } else if (canceledAt != null && (reportedStatus.isPresent()
                || stopReason == StopReason.CANCELED_BY_SERVER)) {
            LOG.info("[task {}] job #{} {} ended canceled (task agent: {})", claim.taskId(), jobNumber,
                    claim.jobName(), exit);
        } else if (reportBeforeStop != null) {
            LOG.warn("[task {}] job #{} {}: {} ({})", claim.taskId(), jobNumber, claim.jobName(), stopReason.text,
                    exit);
            reported = awaitReport(reportBeforeStop);
        } else {
            String reason = stopReason != null ? stopReason.text
                    : "the task agent exited without reporting a result (" + exit + ")";
            LOG.warn("[task {}] job #{} {}: {}; reporting an infrastructure failure", claim.taskId(), jobNumber,
                    claim.jobName(), reason);
            reported = report(reason, exit.code(), outputLog);
        }
        finish(workingDirectory, outputLog, success, reported);
        return success;
    }

    /**
     * The standby waits in a directory of its own: renamed to the task's, the task agent runs in its task's directory
     * as one started for it does. False when it cannot be (the task's directory exists already, or lies elsewhere):
     * the task's directory is then made as for any task, and the standby's removed.
     */
    private boolean adoptStandbyDirectory(Path workingDirectory) {
        Path waitingIn = standby.directory();
        if (waitingIn.equals(workingDirectory)) {
            return true; // a working directory shared by every task
        }
        if (Objects.equals(waitingIn.getParent(), workingDirectory.getParent())
                && !Files.exists(workingDirectory, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.move(waitingIn, workingDirectory, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (IOException e) {
                LOG.debug("[task {}] could not rename {} to {}: {}", claim.taskId(), waitingIn, workingDirectory,
                        e.toString());
            }
        }
        StandbyTaskAgent.removeDirectory(standby);
        return false;
    }

    /**
     * Gives the task to the standby: the handover line (what a task agent started for its task has as arguments and
     * environment), then what every task agent reads. Null when the standby cannot take it: it is killed, and the
     * task gets a task agent of its own under a new launch id.
     */
    private TaskProcess handOverToStandby(Path workingDirectory, Duration maxRunTime) throws InterruptedException {
        StandbyProcess waiting = standby.process();
        standby = null;
        byte[] rest;
        try {
            rest = taskAgentInput();
        } catch (InterruptedException e) {
            waiting.kill(); // it would wait for a task that never comes
            throw e;
        } catch (RuntimeException e) { // as the start of a task agent of its own would be, below
            LOG.warn("[task {}] {}; starting a task agent for it", claim.taskId(), redact(e.toString()));
            return abandon(waiting, workingDirectory);
        }
        byte[] input = TaskAgentInvocation.standbyInput(new TaskHandover(claim.taskId(),
                GoDuration.format(maxRunTime), workingDirectory.toString(), waiting.slotMayGoBeforeExit()
                        ? GoDuration.format(StandbyTaskAgent.EXIT_PAUSE) : null), rest);
        try {
            waiting.handOver(input);
            context.metrics().taskHandedToStandby();
            LOG.info("[task {}] handed to the standby task agent (pid {}) in {}", claim.taskId(), waiting.pid(),
                    workingDirectory);
            events.handedToStandby();
            return waiting;
        } catch (LaunchException e) {
            LOG.warn("[task {}] {}; starting a task agent for it", claim.taskId(), e.getMessage());
            return abandon(waiting, workingDirectory);
        } finally {
            Arrays.fill(input, (byte) 0);
            Arrays.fill(rest, (byte) 0);
        }
    }

    /** Kills a standby that cannot take this task; the task then starts its own task agent under a new launch id. */
    private TaskProcess abandon(StandbyProcess waiting, Path workingDirectory) {
        waiting.kill();
        context.stateStore().delete(launchId);
        launchId = UUID.randomUUID().toString();
        saveState(workingDirectory);
        return null;
    }

    /** The task will not run: the standby given to it is stopped. */
    private void discardStandby() {
        if (standby != null) {
            standby.process().kill();
            StandbyTaskAgent.removeDirectory(standby);
            standby = null;
        }
    }

    /**
     * What the task agent reads on its standard input ({@link TaskAgentInvocation#taskInput}): the task token, then
     * the job's JSON. This process fetches the job (a few ms, its HTTP client warm) so that the task agent's first
     * step does not wait for its own first request (a cold start of an HTTP client, 20-35 ms). A job that cannot be
     * had now is left out, as the contract leaves out one too big: the task agent then fetches it.
     */
    private byte[] taskAgentInput() throws InterruptedException {
        try {
            return taskAgentInputWhenFetched().get();
        } catch (ExecutionException e) { // taskAgentInput(FetchedJob) throws nothing checked: a bug
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * {@link #taskAgentInput()} once the job's fetch is over: a task agent started for its task is started before,
     * and its JVM's start overlaps the fetch (the launcher writes standard input when this is done).
     */
    private CompletableFuture<byte[]> taskAgentInputWhenFetched() {
        return fetchedJob.handle((fetched, failure) -> {
            if (failure != null) { // a bug in the fetch: the task agent fetches the job itself
                LOG.debug("[task {}] the task agent fetches the job itself: {}", claim.taskId(), failure.toString());
                return taskAgentInput(new FetchedJob(null, null));
            }
            return taskAgentInput(fetched);
        });
    }

    private byte[] taskAgentInput(FetchedJob fetched) {
        if (fetched.number() != null) {
            jobNumber = fetched.number();
        }
        return TaskAgentInvocation.taskInput(claim.taskToken(), fetched.json());
    }

    /**
     * Starts fetching the job on a thread of its own: the request's round trip then overlaps the working directory's
     * and the state file's making and, for a task agent started for this task, its JVM's start (it reads the job
     * from standard input, which the launcher writes once the fetch is over).
     */
    private CompletableFuture<FetchedJob> fetchJob() {
        CompletableFuture<FetchedJob> fetching = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                byte[] json = client.jobJson();
                fetching.complete(new FetchedJob(json, Long.toString(TaskWire.read(json, TaskJob.class)
                        .buildNum())));
            } catch (IOException e) { // an ApiException, or a job TaskClient has checked already
                LOG.debug("[task {}] the task agent fetches the job itself: {}", claim.taskId(), e.getMessage());
                fetching.complete(new FetchedJob(null, null));
            } catch (InterruptedException e) {
                fetching.complete(new FetchedJob(null, null));
            } catch (RuntimeException e) {
                fetching.completeExceptionally(e);
            }
        }, "job-" + claim.taskId());
        thread.setDaemon(true);
        thread.start();
        return fetching;
    }

    /** The job's JSON and its number, both null when it could not be fetched. */
    private record FetchedJob(byte[] json, String number) {}

    private static boolean awaitReport(CompletableFuture<Boolean> report) throws InterruptedException {
        try {
            return report.get();
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** Waits for the task agent to exit, heartbeating every lease/3 and enforcing max_run_time meanwhile. */
    private ExitStatus superviseUntilExit(Duration maxRunTime, Path outputLog) throws InterruptedException {
        Instant deadline = context.clock().instant().plus(maxRunTime).plus(backstopDelay());
        Duration interval = heartbeatInterval(claim.leaseSeconds());
        // The first heartbeat goes at once: it confirms the claim, whose first lease is short (the server takes a
        // claim back when nothing confirms it: its answer may have gone to an agent that died while it waited).
        Instant nextBeat = context.clock().instant();
        while (true) {
            Instant now = context.clock().instant();
            Instant wake = nextBeat;
            if (stopReason == null) {
                wake = earliest(wake, deadline);
                if (canceledAt != null) {
                    wake = earliest(wake, canceledAt.plus(backstopDelay()));
                }
            }
            long waitMillis = Math.max(1, Duration.between(now, wake).toMillis());
            CompletableFuture<ExitStatus> exit = process.onExit();
            CompletableFuture<Void> resultReported = resultReportedSeen ? null : process.resultReported();
            try {
                // a stop asked for by another thread (the agent's shutdown) wakes this wait: it is applied here
                CompletableFuture.anyOf(exit, stopApplied ? exit : stopRequested,
                        resultReported == null ? exit : resultReported).get(waitMillis, TimeUnit.MILLISECONDS);
                if (exit.isDone()) {
                    return exit.get();
                }
                if (resultReported != null && resultReported.isDone()) {
                    resultReportedSeen = true;
                    if (!events.slotsClaimedWhileBusy()) {
                        interval = giveSlotOnceResultIn(interval);
                        nextBeat = context.clock().instant().plus(interval);
                    }
                }
                applyStop(outputLog);
                continue;
            } catch (TimeoutException e) {
                // time to heartbeat or to enforce max_run_time
            } catch (ExecutionException e) {
                LOG.error("[task {}] lost track of the task agent: {}", claim.taskId(), e.getCause().toString());
                return ExitStatus.exited(-1);
            }
            now = context.clock().instant();
            if (stopReason == null && !now.isBefore(deadline)) {
                LOG.warn("[task {}] max_run_time {} reached", claim.taskId(), GoDuration.format(maxRunTime));
                stop(StopReason.MAX_RUN_TIME);
            }
            if (stopReason == null && canceledAt != null && !now.isBefore(canceledAt.plus(backstopDelay()))) {
                LOG.warn("[task {}] the task agent did not stop after the cancel", claim.taskId());
                stop(StopReason.CANCELED_BY_SERVER);
            }
            if (!now.isBefore(nextBeat)) {
                if (endedOnServerAt == null) {
                    interval = heartbeat(interval);
                } else if (stopReason == null && !now.isBefore(endedOnServerAt.plus(gracePeriod()))) {
                    // The server closed the task (result reported, or lease lapsed) but the task agent lingers.
                    stop(StopReason.LOST);
                }
                nextBeat = context.clock().instant().plus(interval);
            }
        }
    }

    /**
     * The task agent says the server has its result: a heartbeat checks that the server has closed the task (what
     * the task's own processes might write cannot free a slot), and then the slot may take the next task while the
     * task agent exits. Answers the next heartbeat interval.
     */
    private Duration giveSlotOnceResultIn(Duration interval) throws InterruptedException {
        if (stopReason != null || endedOnServerAt != null) {
            return interval; // being stopped, or known to be closed already: its exit frees the slot
        }
        Duration next = heartbeat(interval);
        if (endedOnServerAt != null && stopReason == null && events.resultIn(this)) {
            LOG.info("[task {}] result reported; the slot takes the next task while the task agent exits",
                    claim.taskId());
        } else if (endedOnServerAt == null) {
            LOG.warn("[task {}] the task agent said its result is reported, but the server still has the task "
                    + "open; the slot waits for its exit", claim.taskId());
        }
        return next;
    }

    /** One heartbeat; answers the next interval (the server may change the lease). */
    private Duration heartbeat(Duration interval) throws InterruptedException {
        try {
            HeartbeatResponse answer = client.heartbeat();
            context.health().apiAnswered();
            if (answer.canceled() && canceledAt == null) {
                // The task agent sees the cancel too and stops its steps with its ladder, then reports the task
                // canceled; stopping the whole tree now would race with that. The backstop comes after the grace.
                canceledAt = context.clock().instant();
                LOG.info("[task {}] canceled by the server; the task agent stops it (backstop in {})",
                        claim.taskId(), GoDuration.format(backstopDelay()));
            }
            return answer.leaseSeconds() > 0 ? heartbeatInterval(answer.leaseSeconds()) : interval;
        } catch (ApiException e) {
            if (e.status() == 410) {
                // Normal right after the task agent reported its result; it should exit within the grace period.
                context.health().apiAnswered();
                endedOnServerAt = context.clock().instant();
                LOG.debug("[task {}] the server has closed the task: {}", claim.taskId(), e.getMessage());
                return Duration.ofMillis(Math.min(interval.toMillis(), 1000));
            }
            context.metrics().apiError();
            if (e.status() == 401 || e.status() == 403 || e.status() == 404) {
                context.health().apiAnswered();
                if (stopReason == null) {
                    LOG.warn("[task {}] heartbeat refused: {}", claim.taskId(), e.getMessage());
                    stop(StopReason.LOST);
                }
            } else {
                context.health().apiFailed(e.getMessage());
                LOG.warn("[task {}] heartbeat failed (the task goes on): {}", claim.taskId(), e.getMessage());
            }
            return interval;
        }
    }

    /**
     * The task agent enforces max_run_time itself (its steps get the ladder and the job is reported timed out);
     * the launch agent is the backstop, this much later: the task agent's grace period and a few seconds to report.
     */
    private Duration backstopDelay() {
        return gracePeriod().plus(REPORT_TIME);
    }

    private Duration gracePeriod() {
        return context.config().runner().gracePeriod();
    }

    /** A third of the lease (so two may fail before it lapses), at most {@link #MAX_HEARTBEAT_INTERVAL}. */
    static Duration heartbeatInterval(long leaseSeconds) {
        long lease = leaseSeconds > 0 ? leaseSeconds : 60;
        return Duration.ofMillis(Math.min(MAX_HEARTBEAT_INTERVAL.toMillis(), Math.max(1000, lease * 1000 / 3)));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The runner's max_run_time, or the server's when it asks for less. */
    private Duration effectiveMaxRunTime() {
        Duration configured = context.config().runner().maxRunTime();
        if (claim.maxRunTimeSeconds() > 0) {
            Duration fromServer = Duration.ofSeconds(claim.maxRunTimeSeconds());
            return fromServer.compareTo(configured) < 0 ? fromServer : configured;
        }
        return configured;
    }

    private List<String> taskAgentCommand(Duration maxRunTime) {
        return TaskAgentInvocation.forTask(URI.create(context.config().api().url()), claim.taskId(), maxRunTime,
                gracePeriod()).command(context.runwayExecutable().toString());
    }

    private void saveState(Path workingDirectory) {
        try {
            context.stateStore().save(new TaskStateStore.TaskState(launchId, claim.taskId(), claim.taskToken(),
                    workingDirectory.toString(), context.clock().instant().toString()));
        } catch (IOException e) {
            LOG.warn("[task {}] could not save task state in {} (a crash now could not be reported): {}",
                    claim.taskId(), context.stateStore().directory(), e.getMessage());
        }
    }

    /**
     * Reports the task as an infrastructure failure. The server ignores the report when the task already has a
     * result. When it cannot be delivered the state file stays, so the next start reports it.
     */
    /** The task reached its max run time and its task agent did not report it: the job ends timedout. */
    private boolean reportTimedOut(String reason) throws InterruptedException {
        return send("timeout", () -> client.taskFinished(new TaskResult(TaskStatus.TIMEDOUT, reason
                + " (the task agent did not stop in time)")));
    }

    private boolean report(String reason, Integer exitStatus, Path outputLog) throws InterruptedException {
        String tail = OutputTail.lastLines(outputLog, secrets());
        return send("failure", () -> client.fail(new InfraFailure(reason, exitStatus, tail)));
    }

    /** A call that reports the task's end to the server. */
    private interface Report {
        void send() throws ApiException, InterruptedException;
    }

    /** Sends a report; true when the server has a result for the task now (this one, or an earlier one). */
    private boolean send(String what, Report report) throws InterruptedException {
        try {
            report.send();
            return true;
        } catch (ApiException e) {
            if (e.status() >= 400 && e.status() < 500) {
                LOG.info("[task {}] {} report not taken (the task already has a result): {}", claim.taskId(), what,
                        e.getMessage());
                return true;
            }
            LOG.error("[task {}] could not report the {}: {}", claim.taskId(), what, e.getMessage());
            return false;
        }
    }

    /**
     * Cleans up, once the task agent's tree is gone and the task reported. The slot is given back before its own
     * directory is removed (the next task runs in another one); a directory every task shares goes first. The state
     * file stays until the end, and when a failure could not be reported: the next start reports it.
     */
    private void finish(Path workingDirectory, Path outputLog, boolean success, boolean reported) {
        boolean shared = !context.workingDirectories().perTask();
        if (!shared) {
            freeSlot();
        }
        if (context.config().runner().cleanupWorkingDirectory()) {
            try {
                TreeRemover.remove(workingDirectory);
                LOG.info("[task {}] removed its working directory {}", claim.taskId(), workingDirectory);
            } catch (IOException e) {
                LOG.warn("[task {}] cleanup incomplete: {}", claim.taskId(), e.getMessage());
            }
        }
        freeSlot();
        if (reported) {
            context.stateStore().delete(launchId);
        }
        if (success) {
            try {
                Files.deleteIfExists(outputLog);
            } catch (IOException e) {
                LOG.debug("[task {}] could not delete {}: {}", claim.taskId(), outputLog, e.getMessage());
            }
        } else if (Files.exists(outputLog)) {
            LOG.info("[task {}] the task agent's output is kept in {}", claim.taskId(), outputLog);
        }
    }

    private List<String> secrets() {
        return List.of(claim.taskToken(), context.resourceClassToken());
    }

    private String redact(String text) {
        return text == null ? "" : OutputTail.redact(text, secrets());
    }
}
