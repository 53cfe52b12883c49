package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.TaskProcess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A tracked task whose end also takes the orphans it left unclaimed; {@link #onExit()} completes after that. */
final class SubreaperTaskProcess implements TaskProcess {
    private static final Logger LOG = LoggerFactory.getLogger(SubreaperTaskProcess.class);

    private final TaskProcess task;
    private final CompletableFuture<ExitStatus> exit;

    SubreaperTaskProcess(TaskProcess task, StrayOrphans strays, long rootStartTime, Executor ladders) {
        this.task = task;
        this.exit = task.onExit().thenApplyAsync(status -> {
            try {
                strays.killBornSince(rootStartTime);
            } catch (RuntimeException e) {
                LOG.warn("launch {}: killing orphans it left failed: {}", task.launchId(), e.toString());
            }
            return status;
        }, ladders);
    }

    @Override
    public String launchId() {
        return task.launchId();
    }

    @Override
    public long pid() {
        return task.pid();
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    @Override
    public CompletableFuture<ExitStatus> stop() {
        task.stop();
        return exit;
    }

    @Override
    public void kill() {
        task.kill();
    }
}
