package dev.runway.agent;

import dev.runway.config.Mode;
import dev.runway.config.Runner;
import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.TaskAgentInvocation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one task agent started ahead of the next task, its JVM up and waiting on standard input, so that a pickup
 * does not wait for a JVM to start. The next one starts as soon as a task is handed to the waiting one (so that it is
 * up when that task ends and the job requiring it is claimed), or when a task ends and none waits; only while the
 * last claim is less than {@code runner.standby_timeout} ago. It is dismissed when that time has passed: an agent
 * that has been idle that long holds no task agent, and its first pickup starts one as before. A standby holds no
 * task and no slot: it is one JVM waiting, whatever {@code max_concurrent_tasks} is.
 *
 * <p>When a task comes to a standby that was started ahead of its predecessor's end and is still younger than a
 * standby's warm-up ({@link #WARM_UP}), tasks come back to back (a workflow's job after a job shorter than a JVM's
 * start): that task runs on a JVM still starting, and the next such task would too. From then on two standbys are
 * kept, so that the one a task takes started a task earlier and is warm, until they are dismissed for the timeout.
 *
 * <p>Not with a {@code command_prefix}: the prefix is CircleCI's contract, given each task's own arguments. Not in
 * single-task mode, and only where the launcher can start one ({@link dev.runway.launcher.Launcher#startStandby}:
 * the process, subreaper, macOS and systemd launchers).
 */
final class StandbyTaskAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyTaskAgent.class);
    /** The directory a standby waits in, under the working directory's parent; renamed to its task's directory. */
    static final String DIRECTORY_PREFIX = "runway-standby-";
    /** How long a dismissed standby gets to read the end of its input and exit when the agent stops. */
    static final Duration DISMISS_WAIT = Duration.ofSeconds(5);
    /** How many standbys are kept at most: a second one only while tasks come back to back. */
    static final int MAX_KEPT = 2;
    /**
     * A standby's JVM start and warm-up, with a margin (on a lightly loaded machine they take 0.1-0.3 s): a standby
     * taken younger than this ran its task while it still started.
     */
    static final Duration WARM_UP = Duration.ofSeconds(1);
    /**
     * With one slot, how long the next standby waits to start after a task was handed over while another, warm, still
     * waits (it is the task after next's): a JVM's start takes most of a core for 0.1-0.3 s, and on a small machine
     * it would compete with the task just handed over and with the hand-over of the job that requires it, when that
     * task is short. With several slots tasks come faster than that, and each standby is started at once.
     */
    static final Duration AHEAD_WHILE_ONE_WAITS = Duration.ofMillis(250);
    /**
     * With one slot, how long the next standby waits to start after a task was handed to the last one waiting: that
     * task's first step starts meanwhile (tens of milliseconds), which a JVM starting beside it would slow on a small
     * machine; a standby started this much later is still up before a task that outlasts a JVM's start ends.
     */
    static final Duration AFTER_HAND_OVER = Duration.ofMillis(100);
    /**
     * How long a task agent that took its task as a standby waits, once its result is in, before it cleans up and
     * exits, where its slot takes the next task meanwhile: the job handed over in its place (a workflow's next job,
     * queued by that result) starts its first step in the next tens of milliseconds, and on a small machine that
     * JVM's exit and the clean-up after it would run beside it (docs/benchmarks.md, hand-over). Where the slot waits
     * for the exit (the systemd and subreaper launchers), there is no pause.
     */
    static final Duration EXIT_PAUSE = Duration.ofMillis(300);

    private final AgentContext context;
    private final Duration timeout;
    /** Starts standbys ahead of a task's end, and dismisses them when they expire. */
    private final ScheduledExecutorService worker;
    /** The standbys waiting, oldest (warmest) first. */
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    /** How many standbys to keep: 1, or {@link #MAX_KEPT} while tasks come back to back. */
    private int kept = 1;
    private Instant lastClaim;
    private boolean closed;

    /**
     * A started standby and the directory it waits in; when it started, and whether ahead of a task's end (while a
     * task handed to the standby before it ran).
     */
    record Waiting(StandbyProcess process, Path directory, Instant started, boolean ahead) {}

    StandbyTaskAgent(AgentContext context) {
        this.context = context;
        Runner runner = context.config().runner();
        // A standby starts before its slot is known: with one user per slot it would not know whose it is.
        boolean possible = runner.commandPrefix().isEmpty() && runner.mode() == Mode.CONTINUOUS
                && !runner.perSlotTaskUser();
        this.timeout = possible ? runner.standbyTimeout() : Duration.ZERO;
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "standby");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The waiting standby for a task just claimed, when there is one and it still runs. */
    synchronized Optional<Waiting> take() {
        Instant now = context.clock().instant();
        lastClaim = now;
        Waiting taken = waiting.pollFirst();
        if (taken == null) {
            return Optional.empty();
        }
        if (taken.process().onExit().isDone()) {
            LOG.warn("the standby task agent (pid {}) had exited; the task starts its own", taken.process().pid());
            removeDirectory(taken);
            return Optional.empty();
        }
        if (kept < MAX_KEPT && taken.ahead() && now.isBefore(taken.started().plus(WARM_UP))) {
            kept = MAX_KEPT;
            LOG.info("a task came to the standby task agent (pid {}) {} ms after its start: tasks come back to back, "
                    + "{} standbys are kept until runner.standby_timeout passes without a claim", taken.process().pid(),
                    Duration.between(taken.started(), now).toMillis(), kept);
        }
        return Optional.of(taken);
    }

    /**
     * Starts the next standby, on another thread, while a task that went to the waiting one runs: its JVM is then
     * up when that task ends. At once with several slots; with one, {@link #AFTER_HAND_OVER} later, or
     * {@link #AHEAD_WHILE_ONE_WAITS} later while another still waits. Not when every task shares a directory that is
     * removed after each: it would wait in a directory removed under it. Not when a dedicated task user runs one task
     * at a time either: that configuration promises that nothing of a task can reach the next one, and a standby of
     * the same user waiting beside a task is reachable from it (signals, ptrace, the JVM's attach mechanism); every
     * process of that user is killed at the task's end as well. Then the next standby starts at the task's end, once
     * its processes are gone, as {@link #replenish} does.
     */
    void replenishAhead() {
        Runner runner = context.config().runner();
        if (!context.workingDirectories().perTask() && runner.cleanupWorkingDirectory()) {
            return;
        }
        if (dedicatedUserOneTaskAtATime(runner)) {
            return;
        }
        if (runner.maxConcurrentTasks() > 1) {
            startOnWorker(true);
            return;
        }
        boolean oneWaits;
        synchronized (this) {
            oneWaits = !waiting.isEmpty();
        }
        startLater(oneWaits ? AHEAD_WHILE_ONE_WAITS : AFTER_HAND_OVER, true);
    }

    /**
     * With one slot: starts a standby {@code delay} from now, and each further one kept {@link #AHEAD_WHILE_ONE_WAITS}
     * after the one before (one waits then), so that no two JVMs start at once beside a task.
     */
    private void startLater(Duration delay, boolean ahead) {
        try {
            worker.schedule(() -> {
                if (startOne(ahead)) {
                    startLater(AHEAD_WHILE_ONE_WAITS, ahead);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran: no more standbys
        }
    }

    /** Starts standbys on the standby thread until as many wait as are kept. */
    private void startOnWorker(boolean ahead) {
        try {
            worker.execute(() -> {
                while (startOne(ahead)) {
                    // the next one kept
                }
            });
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran: no more standbys
        }
    }

    /** Tasks run as a user of their own (not the agent's), one at a time: no other task's process shares its uid. */
    static boolean dedicatedUserOneTaskAtATime(Runner runner) {
        return runner.taskUser() != null && runner.maxConcurrentTasks() == 1 && runner.commandPrefix().isEmpty();
    }

    /**
     * Starts a standby when none waits and the last claim is recent enough; a second one, when two are kept, on the
     * standby thread.
     */
    void replenish() {
        boolean none;
        synchronized (this) {
            none = waiting.isEmpty();
        }
        // the second one kept is not started on the way of the caller (a slot given back); with one slot not beside
        // the task that may be handed over right now either
        if (!none || startOne(false)) {
            if (context.config().runner().maxConcurrentTasks() > 1) {
                startOnWorker(false);
            } else {
                startLater(AHEAD_WHILE_ONE_WAITS, false);
            }
        }
    }

    /**
     * Starts one standby when fewer than are kept wait and the last claim is recent enough; answers whether another
     * one is kept still.
     */
    private boolean startOne(boolean ahead) {
        LaunchSpec spec;
        boolean another;
        synchronized (this) {
            if (closed || waiting.size() >= kept || timeout.isZero() || lastClaim == null || expired()) {
                return false;
            }
            String launchId = UUID.randomUUID().toString();
            Path directory;
            try {
                directory = directory(launchId);
                WorkingDirectories.create(directory, context.config().runner().taskUser());
            } catch (IOException | RuntimeException e) {
                LOG.warn("no standby task agent: could not prepare its directory: {}", e.getMessage());
                return false;
            }
            spec = new LaunchSpec(launchId, command(), TaskEnvironment.forTask(System.getenv(),
                    context.config().runner().environment(), launchId, directory,
                    context.resourceClassToken()), directory, new byte[0],
                    context.taskLogDirectory().resolve(launchId + ".log"), Limits.NONE);
            try {
                Optional<StandbyProcess> started = context.launcher().startStandby(spec);
                if (started.isEmpty()) {
                    removeDirectory(directory);
                    return false;
                }
                waiting.addLast(new Waiting(started.get(), directory, context.clock().instant(), ahead));
                another = waiting.size() < kept;
                LOG.info("standby task agent started (pid {}, launch id {})", started.get().pid(), launchId);
            } catch (LaunchException | RuntimeException e) {
                LOG.warn("could not start a standby task agent: {}", e.getMessage());
                removeDirectory(directory);
                return false;
            }
        }
        Duration untilExpiry = Duration.between(context.clock().instant(), lastClaim.plus(timeout));
        try {
            worker.schedule(this::dismissIfExpired, Math.max(0, untilExpiry.toMillis()) + 1, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closedMeanwhile) {
            // close() ran since the standby started, and dismissed it
        }
        return another;
    }

    /** How many standbys wait now. */
    synchronized int waitingCount() {
        return waiting.size();
    }

    /** Waits until what the standby thread was given so far (starts included) is done. */
    void awaitStarts() throws InterruptedException, ExecutionException {
        worker.submit(() -> { }).get();
    }

    /** {@link #awaitStarts}, and the starts deferred so far (the later ones of a chain included). */
    void awaitDeferredStarts() throws InterruptedException, ExecutionException {
        long chain = AFTER_HAND_OVER.toMillis() + MAX_KEPT * AHEAD_WHILE_ONE_WAITS.toMillis() + 1;
        worker.schedule(() -> { }, chain, TimeUnit.MILLISECONDS).get();
    }

    /** The standby's directory: the task's template with a name of its own, or the shared directory. */
    private Path directory(String launchId) {
        return context.workingDirectories().resolve(DIRECTORY_PREFIX + launchId);
    }

    private boolean expired() {
        return !context.clock().instant().isBefore(lastClaim.plus(timeout));
    }

    synchronized void dismissIfExpired() {
        if (!waiting.isEmpty() && expired()) {
            LOG.info("no task claimed for runner.standby_timeout ({}): dismissing the standby task agent{}",
                    GoDuration.format(timeout), waiting.size() > 1 ? "s" : "");
            while (!waiting.isEmpty()) {
                dismiss(waiting.pollFirst());
            }
            kept = 1; // an agent idle that long keeps one again
        }
    }

    /**
     * No more standbys (drain, stop): the waiting one is dismissed, and given a few seconds to exit (then killed), so
     * that the agent leaves neither its process nor its directory behind.
     */
    @Override
    public void close() {
        List<Waiting> last;
        synchronized (this) {
            closed = true;
            last = List.copyOf(waiting);
            waiting.clear();
            worker.shutdownNow();
        }
        // all dismissed at once, then each waited for
        List<CompletableFuture<ExitStatus>> cleanUps = last.stream().map(this::dismiss).toList();
        for (int i = 0; i < last.size(); i++) {
            awaitCleanUp(last.get(i), cleanUps.get(i));
        }
    }

    /** Waits for a dismissed standby's clean-up (then kills it): the agent may exit right after this. */
    private static void awaitCleanUp(Waiting last, CompletableFuture<ExitStatus> cleanedUp) {
        try {
            try {
                cleanedUp.get(DISMISS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("the standby task agent (pid {}) did not exit when dismissed; killing it",
                        last.process().pid());
                last.process().kill();
                cleanedUp.get(DISMISS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("the standby task agent (pid {}) could not be cleaned up: {}", last.process().pid(), e.toString());
        } catch (InterruptedException e) {
            last.process().kill();
            Thread.currentThread().interrupt();
        }
    }

    /** Directories of standbys that an earlier run of the agent left when it died (they are empty). */
    void removeLeftoverDirectories() {
        removeLeftoverDirectories(context.workingDirectories());
    }

    /** Removes the empty standby directories that {@code directories}' template leads to (none without %s). */
    static void removeLeftoverDirectories(WorkingDirectories directories) {
        Path named = namedForStandby(directories.resolve(DIRECTORY_PREFIX + "x"));
        if (named == null || named.getParent() == null || !Files.isDirectory(named.getParent())) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(named.getParent(), DIRECTORY_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                removeDirectory(directories.resolve(leftover.getFileName().toString()));
            }
        } catch (IOException e) {
            LOG.debug("could not look for leftover standby directories: {}", e.getMessage());
        }
    }

    /** The standby reads the end of its input and exits; its directory and log go when it has (the answer). */
    private CompletableFuture<ExitStatus> dismiss(Waiting standby) {
        standby.process().dismiss();
        return standby.process().onExit().whenComplete((exit, error) -> {
            removeDirectory(standby);
            if (exit != null && exit.success()) {
                try {
                    Files.deleteIfExists(context.taskLogDirectory().resolve(standby.process().launchId() + ".log"));
                } catch (IOException e) {
                    LOG.debug("could not delete the standby's log: {}", e.getMessage());
                }
            } else {
                LOG.warn("the dismissed standby task agent ended with {}; its output is in {}", exit,
                        context.taskLogDirectory().resolve(standby.process().launchId() + ".log"));
            }
        });
    }

    /** The command of a standby: a task agent's, without what only its task can say (id, max_run_time). */
    private List<String> command() {
        return TaskAgentInvocation.forStandby(URI.create(context.config().api().url()),
                context.config().runner().gracePeriod()).command(context.runwayExecutable().toString());
    }

    static void removeDirectory(Waiting standby) {
        removeDirectory(standby.directory());
    }

    /**
     * Removes a standby's directory when it is still empty (once renamed it is the task's directory), and the
     * directory named for it above, for a template such as {@code /work/%s/checkout}.
     */
    private static void removeDirectory(Path directory) {
        Path named = namedForStandby(directory);
        if (named == null) {
            return; // the shared working directory (a template without %s): not the standby's
        }
        for (Path path = directory; path.startsWith(named); path = path.getParent()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException notEmptyOrGone) {
                LOG.debug("left {}: {}", path, notEmptyOrGone.getMessage());
                return;
            }
        }
    }

    /** The directory itself or the one above it that is named for a standby; null for none. */
    private static Path namedForStandby(Path directory) {
        Path named = directory;
        while (named != null && (named.getFileName() == null
                || !named.getFileName().toString().startsWith(DIRECTORY_PREFIX))) {
            named = named.getParent();
        }
        return named;
    }
}
