package dev.runway.launcher.process;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.tracking.ProcessSampler;
import dev.runway.launcher.tracking.TreeTracker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task agent started as a child process, with its tree tracked. When the task agent exits, whatever it left running
 * gets the kill ladder (nothing outlives its task), then {@link #onExit()} completes.
 */
public final class TrackedTaskProcess implements TaskProcess {
    private static final Logger LOG = LoggerFactory.getLogger(TrackedTaskProcess.class);
    /** How long the exit waits for the task agent's standard output to end once its tree is gone. */
    static final Duration OUTPUT_WAIT = Duration.ofSeconds(2);

    private final String launchId;
    private final Process process;
    private final TreeTracker tracker;
    private final Duration grace;
    private final Executor ladders;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final OutputRelay output;

    TrackedTaskProcess(String launchId, Process process, TreeTracker tracker, Duration grace,
            ProcessSampler sampler, Executor ladders, OutputRelay output) {
        this.launchId = launchId;
        this.process = process;
        this.tracker = tracker;
        this.grace = grace;
        this.ladders = ladders;
        this.output = output;
        sampler.register(tracker);
        process.onExit().thenRunAsync(() -> finish(sampler), ladders);
    }

    private void finish(ProcessSampler sampler) {
        try {
            if (tracker.terminate(grace)) {
                LOG.info("launch {}: killed the processes the task left running", launchId);
            }
        } catch (RuntimeException e) {
            LOG.warn("launch {}: cleaning up the task's processes failed: {}", launchId, e.toString());
        } finally {
            sampler.unregister(tracker);
            awaitOutput();
            exit.complete(status(process.exitValue()));
        }
    }

    /**
     * The tree is gone, so its standard output ends: once the relay has put the last of it in the log, the exit is
     * known (what reads the log then, the failure report's tail, finds all of it). Bounded: a process that escaped
     * the tree may hold the pipe.
     */
    private void awaitOutput() {
        try {
            output.ended().get(OUTPUT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("launch {}: the task agent's output has not ended {} ms after its exit; its log may lack the "
                    + "last of it", launchId, OUTPUT_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Java reports a process killed by signal N as 128 + N, as shells do. */
    static ExitStatus status(int exitValue) {
        return exitValue > 128 && exitValue < 128 + 65 ? ExitStatus.killed(exitValue - 128)
                : ExitStatus.exited(exitValue);
    }

    @Override
    public String launchId() {
        return launchId;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitStatus> stop() {
        if (stopping.compareAndSet(false, true) && !exit.isDone()) {
            ladders.execute(() -> {
                try {
                    tracker.terminate(grace);
                } catch (RuntimeException e) {
                    LOG.warn("launch {}: stopping the task failed: {}", launchId, e.toString());
                }
            });
        }
        return exit;
    }

    @Override
    public void kill() {
        tracker.kill();
    }

    @Override
    public CompletableFuture<Void> resultReported() {
        return output.resultReported();
    }

    @Override
    public boolean slotMayGoBeforeExit() {
        return true; // each task's processes carry its own tracking id
    }
}
