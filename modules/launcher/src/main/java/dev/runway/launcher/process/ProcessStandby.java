package dev.runway.launcher.process;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.StandbyProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A task agent child process started ahead of its task, its standard input open until the task is handed over. */
final class ProcessStandby implements StandbyProcess {
    /** A standby reads its input at once; one that does not within this long is broken. */
    static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(10);

    private final TrackedTaskProcess tracked;
    private final Process process;
    private final ExecutorService writer;

    ProcessStandby(TrackedTaskProcess tracked, Process process, ExecutorService writer) {
        this.tracked = tracked;
        this.process = process;
        this.writer = writer;
    }

    @Override
    public void handOver(byte[] input) throws LaunchException {
        if (!process.isAlive()) {
            throw new LaunchException("launch " + launchId() + ": the standby task agent has exited (" + exitText()
                    + ")");
        }
        // written on another thread so that a standby that does not read cannot hold the task forever
        Future<?> written = writer.submit(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
            }
            return null;
        });
        try {
            written.get(HANDOVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            kill();
            throw new LaunchException("launch " + launchId() + ": could not hand the task to the standby task agent ("
                    + e.getCause().getMessage() + ")", e.getCause());
        } catch (TimeoutException e) {
            written.cancel(true);
            kill();
            throw new LaunchException("launch " + launchId() + ": the standby task agent did not read its task within "
                    + HANDOVER_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new LaunchException("launch " + launchId() + ": interrupted while handing the task over", e);
        }
    }

    private String exitText() {
        return process.isAlive() ? "running" : "exit status " + process.exitValue();
    }

    @Override
    public void dismiss() {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // it has ended: nothing to tell it
        }
    }

    @Override
    public String launchId() {
        return tracked.launchId();
    }

    @Override
    public long pid() {
        return tracked.pid();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return tracked.onExit();
    }

    @Override
    public CompletableFuture<ExitStatus> stop() {
        return tracked.stop();
    }

    @Override
    public void kill() {
        tracked.kill();
    }
}
