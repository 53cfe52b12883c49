package dev.runway.launcher;

/**
 * A task agent started before its task ({@link Launcher#startStandby}), its JVM up and waiting for the task on its
 * standard input. Until {@link #handOver} it holds no secret: the task token and the job arrive with the task.
 */
public interface StandbyProcess extends TaskProcess {
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
}
