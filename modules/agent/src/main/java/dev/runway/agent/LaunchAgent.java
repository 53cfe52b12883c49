package dev.runway.agent;

import dev.runway.client.HttpTransport;
import dev.runway.client.RunnerClient;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.ServiceNotifier;
import dev.runway.launcher.ServiceWatchdog;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launch agent: claims tasks for its resource class and runs each through a {@link TaskSupervisor}, until it
 * is drained (1st SIGTERM), told to cancel (2nd), ran its single task, or stayed idle for idle_timeout.
 * {@link #run()} blocks and answers the process exit code.
 */
public final class LaunchAgent {
    private static final Logger LOG = LoggerFactory.getLogger(LaunchAgent.class);
    /** Where task state lives by default (root's agent); the CLI picks a per-user one for others. */
    public static final Path DEFAULT_STATE_DIRECTORY = Path.of("/var/lib/runway");
    /** After the second signal: how long beyond the grace period to wait for tasks to be stopped and reported. */
    static final Duration CANCEL_SLACK = Duration.ofSeconds(5);
    /** At start-up: how long crash reports may take before leftovers are removed anyway. */
    static final Duration RECOVERY_REPORT_WAIT = Duration.ofSeconds(5);

    private final AgentContext context;
    private final HttpTransport transport;
    private final RunnerIdentity identity;
    private final Slots slots;
    private final IdleTimer idle;
    private final Set<TaskSupervisor> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService taskThreads;
    private final Object lock = new Object();
    private AgentState state = AgentState.RUNNING;
    private Instant cancelDeadline;
    private boolean tasksCanceled;
    private volatile Thread claimThread;
    private volatile ClaimLoop claimLoop;
    private volatile HealthServer healthServer;
    private final StandbyTaskAgent standby;
    /** Whether a slot may take its next task while the task agent of its last one exits ({@link #slotsBeforeExit}). */
    private final boolean slotsBeforeExit;

    private LaunchAgent(Builder builder) throws IOException {
        LaunchAgentConfig config = builder.config;
        Clock clock = builder.clock;
        Path stateDirectory = builder.stateDirectory;
        TaskStateStore stateStore = new TaskStateStore(stateDirectory.resolve("tasks"));
        stateStore.open();
        Path logs = stateDirectory.resolve("logs");
        Files.createDirectories(logs);
        Metrics metrics = new Metrics(config.runner().maxConcurrentTasks());
        HealthMonitor health = new HealthMonitor(builder.notifiers, HealthMonitor.DEFAULT_THRESHOLD);
        metrics.bind(health::isHealthy, () -> state() != AgentState.RUNNING);
        this.context = new AgentContext(config, builder.launcher, stateStore, logs,
                new WorkingDirectories(config.runner().workingDirectory()), builder.runwayExecutable, metrics,
                health, clock);
        this.transport = new HttpTransport(URI.create(config.api().url()), Duration.ofSeconds(30));
        this.identity = RunnerIdentity.of(config.runner().name(), builder.version);
        this.slots = new Slots(config.runner().maxConcurrentTasks());
        this.idle = new IdleTimer(config.runner().idleTimeout(), clock);
        this.standby = new StandbyTaskAgent(context);
        this.slotsBeforeExit = slotsBeforeExit(config.runner(), context.workingDirectories());
        AtomicInteger taskThreadNumber = new AtomicInteger();
        this.taskThreads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "task-" + taskThreadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder(LaunchAgentConfig config, Launcher launcher) {
        return new Builder(config, launcher);
    }

    /**
     * Runs until the agent is done (drained, single task finished, idle timeout, canceled). Answers the exit code:
     * 0 when everything running finished on its own, 1 when tasks had to be canceled or killed.
     */
    public int run() throws InterruptedException {
        recoverFromCrash();
        ServiceWatchdog watchdog = context.health().startWatchdog(this::claimingOrRunningTasks);
        try {
            startHealthServer();
            LOG.info("launch agent {} started: {} slot(s), launcher {}, API {} ({}), working directory {}",
                    identity.name(), slots.total(), context.launcher().id(), context.config().api().url(),
                    transport.route(), context.config().runner().workingDirectory());
            ClaimLoop loop = new ClaimLoop(context, new RunnerClient(transport, context.resourceClassToken()),
                    identity, slots, busySlots, idle, () -> state() != AgentState.RUNNING, this::startTask);
            claimLoop = loop;
            Thread thread = new Thread(() -> {
                loop.run();
                synchronized (lock) {
                    lock.notifyAll();
                }
            }, "claim-loop");
            claimThread = thread;
            thread.start();
            awaitEnd();
            LOG.info("launch agent stopped ({}; {} claimed, {} succeeded, {} failed)", describe(loop.endReason()),
                    context.metrics().tasksClaimed(), context.metrics().tasksSucceeded(),
                    context.metrics().tasksFailed());
            synchronized (lock) {
                state = AgentState.STOPPED;
                return tasksCanceled ? 1 : 0;
            }
        } finally {
            standby.close();
            watchdog.close();
            HealthServer server = healthServer;
            if (server != null) {
                server.close();
            }
            taskThreads.shutdown();
        }
    }

    /**
     * Reports the tasks an earlier agent left (their state files), then stops their leftover processes. The report
     * comes first, while those processes still run: a task agent that is SIGTERM'd would otherwise report its task
     * canceled, hiding that the runner failed. The report gets a few seconds (the server may be away; it goes on in
     * the background), the leftovers are removed before the first claim either way.
     */
    private void recoverFromCrash() throws InterruptedException {
        CrashRecovery recovery = new CrashRecovery(context, transport);
        List<TaskStateStore.TaskState> interrupted = recovery.interruptedTasks();
        if (!interrupted.isEmpty()) {
            Thread reporter = new Thread(() -> {
                try {
                    recovery.reportInterrupted(interrupted);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "crash-recovery");
            reporter.setDaemon(true);
            reporter.start();
            reporter.join(RECOVERY_REPORT_WAIT.toMillis());
        }
        recovery.removeLeftovers();
        standby.removeLeftoverDirectories();
    }

    /** Waits for the claim loop to end and every task to finish; after a cancel, at most grace + slack more. */
    private void awaitEnd() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                Thread loop = claimThread;
                boolean claiming = loop != null && loop.isAlive();
                if (state == AgentState.STOPPED || (!claiming && running.isEmpty())) {
                    return;
                }
                if (!claiming && state == AgentState.RUNNING) {
                    // single task claimed or idle: no more claims; what runs finishes, as in a drain
                    LOG.debug("no more claims; waiting for {} running task(s)", running.size());
                }
                if (cancelDeadline != null && !context.clock().instant().isBefore(cancelDeadline)) {
                    LOG.warn("{} task(s) not reported after the grace period; exiting anyway (their state files "
                            + "let the next start report them)", running.size());
                    return;
                }
                lock.wait(250);
            }
        }
    }

    /** 1st signal: claim nothing new; running tasks go on up to max_run_time. */
    public void drain() {
        boolean changed;
        synchronized (lock) {
            changed = state == AgentState.RUNNING;
            state = state.advanceTo(AgentState.DRAINING);
            lock.notifyAll();
        }
        if (changed) {
            standby.close();
            context.health().draining();
            Thread loop = claimThread;
            if (loop != null) {
                loop.interrupt(); // ends the long poll now
            }
            LOG.info("draining: {} task(s) running", running.size());
        }
    }

    /** 2nd signal: stop every running task with the ladder and exit once they are reported (grace + slack). */
    public void cancelRunning() {
        drain();
        synchronized (lock) {
            if (state.ordinal() >= AgentState.CANCELING.ordinal()) {
                return;
            }
            state = AgentState.CANCELING;
            cancelDeadline = context.clock().instant().plus(context.config().runner().gracePeriod())
                    .plus(CANCEL_SLACK);
            tasksCanceled = tasksCanceled || !running.isEmpty();
            lock.notifyAll();
        }
        for (TaskSupervisor supervisor : running) {
            supervisor.stop(TaskSupervisor.StopReason.AGENT_SHUTDOWN);
        }
    }

    /** 3rd signal: SIGKILL every task tree and return from {@link #run()} at once. */
    public void killNow() {
        drain();
        for (TaskSupervisor supervisor : running) {
            supervisor.kill();
        }
        synchronized (lock) {
            tasksCanceled = tasksCanceled || !running.isEmpty();
            state = AgentState.STOPPED;
            lock.notifyAll();
        }
    }

    public AgentState state() {
        synchronized (lock) {
            return state;
        }
    }

    public Metrics metrics() {
        return context.metrics();
    }

    public HealthMonitor health() {
        return context.health();
    }

    /** Where the health listener listens, when health.listen is set. */
    public Optional<InetSocketAddress> healthAddress() {
        HealthServer server = healthServer;
        return server == null ? Optional.empty() : Optional.of(server.address());
    }

    private void startTask(ClaimResponse claim, int slot) {
        TaskSupervisor supervisor = new TaskSupervisor(context, claim, slot,
                new RunnerClient(transport, context.resourceClassToken()).forTask(claim), standby.take().orElse(null),
                taskEvents);
        running.add(supervisor);
        if (state() == AgentState.CANCELING) {
            supervisor.stop(TaskSupervisor.StopReason.AGENT_SHUTDOWN);
        }
        taskThreads.execute(supervisor);
    }

    /**
     * A task's course as the slots and the standby follow it: the next task's standby starts as soon as this task is
     * handed to the waiting one (so that a job requiring this one finds it up), and the slot goes back once the task
     * is over, before its directory is removed.
     */
    private final TaskSupervisor.Events taskEvents = new TaskSupervisor.Events() {
        @Override
        public void handedToStandby() {
            if (state() == AgentState.RUNNING) {
                standby.replenishAhead();
            }
        }

        @Override
        public boolean slotsClaimedWhileBusy() {
            ClaimLoop loop = claimLoop;
            return loop != null && loop.claimsForBusySlots();
        }

        @Override
        public boolean resultIn(TaskSupervisor task) {
            if (!giveBeforeExit(task, false)) {
                return false;
            }
            giveBack(task);
            return true;
        }

        @Override
        public void slotFree(TaskSupervisor task) {
            if (task.slotGivenBeforeExit()) {
                slots.exited(task.slot());
            } else {
                giveBack(task);
            }
        }

        private void giveBack(TaskSupervisor task) {
            try {
                if (state() == AgentState.RUNNING) {
                    standby.replenish(); // when none is waiting: before the slot is given, the next claim finds it
                }
            } finally {
                slots.give(task.slot());
            }
            idle.taskEnded();
        }

        @Override
        public void ended(TaskSupervisor task) {
            running.remove(task);
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    };

    /**
     * Marks {@code task}'s slot as hosting its exiting task agent beside the next task, when that may be
     * ({@link #slotsBeforeExit}, {@link TaskSupervisor#mayGiveSlotBeforeExit}); whether it did.
     */
    private boolean giveBeforeExit(TaskSupervisor task, boolean closedOnServer) {
        if (!slotsBeforeExit || state() != AgentState.RUNNING || !slots.markExiting(task.slot())) {
            return false;
        }
        if (!task.giveSlotBeforeExit(closedOnServer)) {
            slots.exited(task.slot()); // the mark was this call's: the slot went back at the task's end already
            return false;
        }
        return true;
    }

    /** The busy slots a claim may ask to fill as soon as the server closes their tasks ({@link ClaimLoop}). */
    private final ClaimLoop.BusySlots busySlots = new ClaimLoop.BusySlots() {
        @Override
        public List<String> tasksHoldingSlots() {
            if (!slotsBeforeExit || state() != AgentState.RUNNING) {
                return List.of();
            }
            return running.stream().filter(TaskSupervisor::holdsSlot).map(TaskSupervisor::taskId).sorted()
                    .toList();
        }

        @Override
        public int takeOver(String taskId) {
            for (TaskSupervisor task : running) {
                if (task.taskId().equals(taskId)) {
                    if (!giveBeforeExit(task, true)) {
                        return 0;
                    }
                    LOG.info("[task {}] closed on the server; its slot takes the next task while the task agent "
                            + "exits", taskId);
                    idle.taskEnded();
                    return task.slot();
                }
            }
            return 0;
        }
    };

    /**
     * Whether a slot may take its next task once the server has its task's result, while that task's task agent still
     * exits and its tree is reaped (a JVM's exit: 10-30 ms). Not with a task user running one task at a time
     * (whether the launcher or a command_prefix switches to it), nor with one user per slot: there every process of
     * that user is the ending task's, is killed at its end, and nothing of it may share the machine with the next task
     * ({@link StandbyTaskAgent#dedicatedUserOneTaskAtATime}). Not when every task shares one directory either: it is
     * the next task's only once the last one is gone.
     */
    static boolean slotsBeforeExit(dev.runway.config.Runner runner, WorkingDirectories directories) {
        boolean oneTaskUserAtATime = runner.taskUser() != null && runner.maxConcurrentTasks() == 1;
        return !oneTaskUserAtATime && !runner.perSlotTaskUser() && directories.perTask();
    }

    private void startHealthServer() {
        String listen = context.config().health().listen();
        if (listen.isEmpty()) {
            return;
        }
        try {
            healthServer = HealthServer.start(listen, () -> {
                Thread loop = claimThread;
                return state() != AgentState.STOPPED && (loop == null || loop.isAlive() || !running.isEmpty());
            }, context.health()::isReady, context.metrics()::prometheusText);
            LOG.info("health endpoints on http://{}:{}/ (live, ready, metrics)",
                    healthServer.address().getHostString(), healthServer.address().getPort());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("health.listen " + listen + ": cannot listen: " + e.getMessage(), e);
        }
    }

    /** Alive for the service manager's watchdog: the claim loop runs, or a task does. */
    private boolean claimingOrRunningTasks() {
        Thread loop = claimThread;
        return loop == null || loop.isAlive() || !running.isEmpty();
    }

    private static String describe(ClaimLoop.EndReason reason) {
        if (reason == null) {
            return "stopped";
        }
        switch (reason) {
            case SINGLE_TASK_CLAIMED:
                return "single-task mode: its task ended";
            case IDLE_TIMEOUT:
                return "idle for runner.idle_timeout";
            default:
                return "drained";
        }
    }

    /** How to build a launch agent; everything but the config and launcher has a working default. */
    public static final class Builder {
        private final LaunchAgentConfig config;
        private final Launcher launcher;
        private String version = "unknown";
        private Path stateDirectory = DEFAULT_STATE_DIRECTORY;
        private Path runwayExecutable;
        private List<ServiceNotifier> notifiers;
        private Clock clock = Clock.systemUTC();

        private Builder(LaunchAgentConfig config, Launcher launcher) {
            this.config = Objects.requireNonNull(config, "config");
            this.launcher = Objects.requireNonNull(launcher, "launcher");
        }

        /** The version reported in claims. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Where task state files ({@code tasks/}) and task-agent output logs ({@code logs/}) go. */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /** The runway launcher task agents start from; default {@link RunwayExecutable#locate()}. */
        public Builder runwayExecutable(Path runwayExecutable) {
            this.runwayExecutable = runwayExecutable;
            return this;
        }

        /** Who hears about health; default every active ServiceNotifier found by ServiceLoader. */
        public Builder notifiers(List<ServiceNotifier> notifiers) {
            this.notifiers = List.copyOf(notifiers);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Creates the agent (state directories included); {@link LaunchAgent#run()} starts it. */
        public LaunchAgent build() throws IOException {
            if (runwayExecutable == null) {
                runwayExecutable = RunwayExecutable.locate();
            }
            if (notifiers == null) {
                notifiers = HealthMonitor.activeNotifiers();
            }
            return new LaunchAgent(this);
        }
    }
}
