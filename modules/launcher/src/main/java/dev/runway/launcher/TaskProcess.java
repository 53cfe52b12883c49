package dev.runway.launcher;

import java.util.concurrent.CompletableFuture;

/** A started task agent and everything it started. */
public interface TaskProcess {
    String launchId();

    /** The task agent's pid (on the host), for logs. */
    long pid();

    /**
     * Completes when the task agent has exited and its processes are gone. Processes a finished task left running
     * are killed (nothing outlives its task), then the future completes.
     */
    CompletableFuture<ExitStatus> onExit();

    /**
     * The kill ladder for the whole tree: SIGCONT + SIGTERM to every process, then SIGKILL to whatever is left after
     * the grace period. Returns {@link #onExit()}. Idempotent.
     */
    CompletableFuture<ExitStatus> stop();

    /** SIGKILL to the whole tree at once, no grace. */
    void kill();
}
