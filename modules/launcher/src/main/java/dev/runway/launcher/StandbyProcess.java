package dev.runway.launcher;

import java.util.concurrent.CompletableFuture;

/**
 * A task agent started before its task ({@link Launcher#startStandby}), its JVM up and waiting for the task on its
 * standard input. Until {@link #handOver} it holds no secret: the task token and the job arrive with the task. A
 * standby adds only the hand-over to its launcher's task process: everything else is {@link #taskProcess()}'s.
 */
public interface StandbyProcess extends TaskProcess {
    /** The task agent's process as its launcher runs any task agent; once handed its task, it is one. */
    TaskProcess taskProcess();

    /**
     * Writes {@code input} (the task: handover line, token, job) to the task agent's standard input and closes it.
     * From here on it is a task agent like any other.
     *
     * @throws LaunchException when the task agent cannot take it (it has ended, or does not read): the task is then
     *     given a task agent of its own, and this one is killed
     */
    void handOver(byte[] input) throws LaunchException;

    /** Closes standard input without a task: the task agent exits, and {@link #onExit()} completes. */
    void dismiss();

    @Override
    default String launchId() {
        return taskProcess().launchId();
    }

    @Override
    default long pid() {
        return taskProcess().pid();
    }

    @Override
    default CompletableFuture<ExitStatus> onExit() {
        return taskProcess().onExit();
    }

    @Override
    default CompletableFuture<ExitStatus> stop() {
        return taskProcess().stop();
    }

    @Override
    default void kill() {
        taskProcess().kill();
    }

    @Override
    default CompletableFuture<Void> resultReported() {
        return taskProcess().resultReported();
    }

    @Override
    default boolean slotMayGoBeforeExit() {
        return taskProcess().slotMayGoBeforeExit();
    }
}
