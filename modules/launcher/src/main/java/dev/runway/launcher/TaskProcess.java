package dev.runway.launcher;

import java.util.concurrent.CompletableFuture;

/** A started task agent and everything it started. */
public interface TaskProcess {
    /**
     * The line a task agent prints on its standard output once the server has its task's result: only its exit is
     * left (dev.runway.cli.taskagent.TaskAgentProgram prints it).
     */
    String RESULT_REPORTED_LINE = "runway task-agent: result reported, exiting";

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

    /**
     * Completes when the task agent prints {@link #RESULT_REPORTED_LINE}, before it has exited; never where the
     * launcher does not read the task agent's output (it goes to the log file straight). Anything the task's
     * processes can write to may say it too: it is a hint, to be checked with the server.
     */
    default CompletableFuture<Void> resultReported() {
        return new CompletableFuture<>();
    }

    /**
     * Whether the next task may take this task's slot once the server has closed this one, while this task agent
     * still exits and its processes are reaped: where the launcher tracks each task's processes apart from the next
     * task's (the process and macOS launchers). Not where a task's leftovers are told apart by when they appear (the
     * subreaper) or by a per-slot unit.
     */
    default boolean slotMayGoBeforeExit() {
        return false;
    }
}
