package dev.runway.launcher.process;

import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.Limits;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.tracking.ProcessId;
import dev.runway.launcher.tracking.ProcessSampler;
import dev.runway.launcher.tracking.ProcessTable;
import dev.runway.launcher.tracking.Signaller;
import dev.runway.launcher.tracking.TreeTracker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts task agents as child processes: {@code [new session] + (command_prefix | user switch) + task-agent argv},
 * CircleCI's prefix contract (the prefix runs its arguments and passes on their exit code). Each task's process tree
 * is tracked with a {@link TreeTracker}, fed by one shared {@link ProcessSampler}. The platform decides the process
 * table and how signals are sent, so the macOS launcher is this class with libproc behind it.
 */
public final class ProcessLauncher implements Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    private static final Path OOM_SCORE_ADJ = Path.of("/proc/self/oom_score_adj");
    /** Said at start where a task's processes can escape this launcher (docs/reliability.md, threat model). */
    public static final String ESCAPE_WARNING = "this launcher cannot contain a job that scrubs its environment and "
            + "leaves its session (env -i setsid): such a process outlives its task and can read later tasks' "
            + "environments. The systemd or subreaper launcher can contain it; so can a dedicated runner.task_user "
            + "with runner.max_concurrent_tasks: 1 (its processes are killed after each task)";

    private final String id;
    private final LauncherSettings settings;
    private final ProcessTable table;
    private final Signaller signaller;
    private final List<String> newSession;
    /** How every task switches user; null with a per-slot task user (each slot's user is switched to by name). */
    private final UserSwitch userSwitch;
    private final Map<String, UserSwitch> slotUserSwitches = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean adoptsOrphans;
    private final ProcessId agent;
    private final ProcessSampler sampler;
    private final ExecutorService ladders;
    private final LeftoverFinder leftovers;

    /**
     * A launcher that finds a task's processes by their session, marker and parentage only: a job that leaves its
     * session and scrubs its environment escapes it, unless tasks run as a dedicated user one at a time.
     */
    public ProcessLauncher(String id, LauncherSettings settings, ProcessTable table, Signaller signaller)
            throws LaunchException {
        this(id, settings, table, signaller, false);
    }

    /**
     * {@code adoptsOrphans}: the platform hands every process that leaves a task back to the agent (a child
     * subreaper), so a job that scrubs its environment is still attributed to its task.
     */
    public ProcessLauncher(String id, LauncherSettings settings, ProcessTable table, Signaller signaller,
            boolean adoptsOrphans) throws LaunchException {
        this.id = id;
        this.settings = settings;
        this.table = table;
        this.signaller = signaller;
        this.newSession = NewSession.command();
        // With a command_prefix the prefix owns the user switch (e.g. the seed's sudo -niHu USER --).
        this.adoptsOrphans = adoptsOrphans;
        boolean perSlot = settings.commandPrefix().isEmpty() && settings.perSlotUser();
        this.userSwitch = perSlot ? null
                : settings.commandPrefix().isEmpty() ? UserSwitch.to(settings.taskUser()) : UserSwitch.none();
        long self = ProcessHandle.current().pid();
        this.agent = table.process(self).map(p -> p.id()).orElse(new ProcessId(self, -1));
        this.sampler = new ProcessSampler(table, SAMPLE_INTERVAL);
        AtomicInteger threads = new AtomicInteger();
        this.ladders = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "runway-task-reaper-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.leftovers = new LeftoverFinder(table, signaller, agent);
        if (perSlot) {
            LOG.info("runner.launcher {}: each slot's task runs as its own user ({}); every process of that user is "
                    + "killed when its task ends", id, settings.taskUser());
        } else if (!adoptsOrphans && dedicatedUid(userSwitch) < 0) {
            LOG.warn("runner.launcher {}: {}", id, ESCAPE_WARNING);
        } else if (!adoptsOrphans) {
            LOG.info("runner.launcher {}: tasks run as the dedicated user {} one at a time; every process of that "
                    + "user is killed when a task ends", id, userSwitch.user());
        }
    }


    @Override
    public String id() {
        return id;
    }

    private Duration grace() {
        return settings.grace() == null ? DEFAULT_GRACE : settings.grace();
    }

    @Override
    public TaskProcess start(LaunchSpec spec) throws LaunchException {
        UserSwitch user = userSwitch(spec);
        Process process = spawn(spec, user);
        TrackedTaskProcess started = track(spec, process, user);
        writeStdin(spec.launchId(), process, CompletableFuture.completedFuture(spec.stdin()));
        return started;
    }

    /** Starts at once; standard input is written once {@code stdin} is done (the task agent waits for it there). */
    @Override
    public TaskProcess start(LaunchSpec spec, CompletableFuture<byte[]> stdin) throws LaunchException {
        UserSwitch user = userSwitch(spec);
        Process process = spawn(spec, user);
        TrackedTaskProcess started = track(spec, process, user);
        writeStdin(spec.launchId(), process, stdin);
        return started;
    }

    /** The standby's standard input stays open: the process waits for its task there. */
    @Override
    public Optional<StandbyProcess> startStandby(LaunchSpec spec) throws LaunchException {
        UserSwitch user = userSwitch(spec);
        Process process = spawn(spec, user);
        return Optional.of(new ProcessStandby(track(spec, process, user), process, ladders));
    }

    /** The switch to the spec's user: the one task user, or with a per-slot task user the spec's slot user. */
    private UserSwitch userSwitch(LaunchSpec spec) throws LaunchException {
        if (userSwitch != null) {
            return userSwitch;
        }
        if (spec.user() == null || spec.user().contains("%")) {
            throw new LaunchException("launch " + spec.launchId() + ": runner.task_user " + settings.taskUser()
                    + " is one user per slot, but the launch names no slot's user");
        }
        UserSwitch known = slotUserSwitches.get(spec.user());
        if (known == null) {
            known = UserSwitch.to(spec.user());
            slotUserSwitches.put(spec.user(), known);
        }
        return known;
    }

    /**
     * The uid all of whose processes belong to the running task, or -1: a user other than the agent's that runs one
     * task at a time (one slot, or one user per slot). A subreaper gets every orphan back and needs no uid.
     */
    private long dedicatedUid(UserSwitch user) {
        boolean oneTaskAtATime = settings.maxConcurrentTasks() == 1 || userSwitch == null;
        return adoptsOrphans || user.uid() < 0 || !oneTaskAtATime ? -1 : user.uid();
    }

    private Process spawn(LaunchSpec spec, UserSwitch userSwitch) throws LaunchException {
        if (!Files.isDirectory(spec.workingDirectory())) {
            throw new LaunchException("launch " + spec.launchId() + ": working directory " + spec.workingDirectory()
                    + " does not exist or is not a directory");
        }
        Map<String, String> taskEnvironment = new HashMap<>(spec.environment());
        taskEnvironment.putAll(LaunchMarker.of(spec.launchId(), agent));
        List<String> argv = new ArrayList<>(newSession);
        argv.addAll(oomScoreAdjust(spec.limits()));
        if (settings.commandPrefix().isEmpty()) {
            argv.addAll(userSwitch.wrap(spec.command(), taskEnvironment));
        } else {
            argv.addAll(settings.commandPrefix());
            argv.addAll(spec.command());
        }
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                // standard output comes here (OutputRelay: it says when the result is in), standard error to the log
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(spec.outputLog().toFile()));
        // A clean environment: the agent's own (which may hold its API token) never reaches a task.
        Map<String, String> environment = builder.environment();
        environment.clear();
        String path = System.getenv("PATH");
        environment.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : path);
        environment.putAll(taskEnvironment);
        environment.putAll(userSwitch.environment());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new LaunchException("launch " + spec.launchId() + ": cannot start " + argv.get(0) + " (output log "
                    + spec.outputLog() + "): " + e.getMessage(), e);
        }
    }

    private TrackedTaskProcess track(LaunchSpec spec, Process process, UserSwitch userSwitch) {
        TreeTracker tracker = TreeTracker.forRoot(table, signaller, process.pid(),
                LaunchMarker.of(spec.launchId(), agent), dedicatedUid(userSwitch));
        LOG.info("launch {}: started pid {} as {}", spec.launchId(), process.pid(),
                userSwitch.user() == null ? "the agent's user" : userSwitch.user());
        OutputRelay relay = new OutputRelay(spec.launchId(), process.getInputStream(), spec.outputLog());
        ladders.execute(relay);
        return new TrackedTaskProcess(spec.launchId(), process, tracker, grace(), sampler, ladders, relay);
    }

    /**
     * The one limit a process launcher can enforce: the kernel's OOM-killer preference, so that a job that eats the
     * machine is killed before the agent. Set by a shell that then execs the rest, so every process of the task
     * inherits it from the start. (Memory and task limits need a cgroup: the systemd launcher.)
     */
    private static List<String> oomScoreAdjust(Limits limits) {
        if (limits.oomScoreAdjust() == 0 || !Files.exists(OOM_SCORE_ADJ)) {
            return List.of();
        }
        String script = "echo " + limits.oomScoreAdjust() + " > /proc/self/oom_score_adj && exec \"$@\"";
        return List.of("/bin/sh", "-c", script, "runway-oom-score-adj");
    }

    /**
     * Hands over the task token on stdin once {@code input} is done, then closes it; on a thread so a task that never
     * reads (or input still being made) cannot block us. Input that failed is not written: stdin is only closed.
     */
    private void writeStdin(String launchId, Process process, CompletableFuture<byte[]> input) {
        ladders.execute(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                byte[] bytes = input.get();
                try {
                    stdin.write(bytes);
                } finally {
                    java.util.Arrays.fill(bytes, (byte) 0);
                }
            } catch (IOException e) {
                LOG.warn("launch {}: could not write stdin: {}", launchId, e.getMessage());
            } catch (ExecutionException e) {
                LOG.warn("launch {}: no standard input for the task agent: {}", launchId, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the launcher is closing: stdin closes with nothing written
            }
        });
    }

    @Override
    public List<Leftover> findLeftovers() {
        return leftovers.find();
    }

    @Override
    public void remove(Leftover leftover) throws LaunchException {
        leftovers.remove(leftover, grace());
    }

    @Override
    public void close() {
        sampler.close();
        ladders.shutdown();
    }
}
