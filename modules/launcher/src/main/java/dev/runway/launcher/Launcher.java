package dev.runway.launcher;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Starts task agents and contains everything they start. Thread-safe. */
public interface Launcher extends AutoCloseable {
    /** The provider id this launcher came from. */
    String id();

    /** Starts the task agent; the process and all its descendants are tracked until the task ends. */
    TaskProcess start(LaunchSpec spec) throws LaunchException;

    /**
     * As {@link #start}, with the standard input still being made ({@code spec.stdin()} is not used): the launch
     * agent starts the task agent while it fetches the job that goes to its standard input, so that the fetch
     * overlaps the JVM's start. A launcher that writes standard input after the start does so once {@code stdin} is
     * done (the process launcher); the default waits for it and then starts. {@code stdin} must complete: with the
     * input, or exceptionally (then nothing is written and standard input is closed, so the task agent exits without
     * a token).
     */
    default TaskProcess start(LaunchSpec spec, CompletableFuture<byte[]> stdin)
            throws LaunchException, InterruptedException {
        byte[] input;
        try {
            input = stdin.get();
        } catch (ExecutionException e) {
            throw new LaunchException("launch " + spec.launchId() + ": no standard input for the task agent: "
                    + e.getCause(), e.getCause());
        }
        return start(spec.withStdin(input));
    }

    /**
     * Starts the task agent of {@code spec} before its task is known, to take the JVM's start out of the next
     * task's pickup: its standard input stays open for {@link StandbyProcess#handOver} ({@code spec.stdin()} is not
     * written). Empty when this launcher does not start task agents ahead (the default): every task then starts its
     * own with {@link #start}.
     */
    default Optional<StandbyProcess> startStandby(LaunchSpec spec) throws LaunchException {
        return Optional.empty();
    }

    /**
     * What an earlier launch agent that died left running (units, process groups), found at start-up so that its
     * tasks can be reported and nothing outlives its task.
     */
    List<Leftover> findLeftovers();

    /** Stops everything of a leftover (TERM, grace, KILL) and forgets it. */
    void remove(Leftover leftover) throws LaunchException;

    @Override
    default void close() {}
}
