package dev.runway.launcher;

import java.util.List;
import java.util.Optional;

/** Starts task agents and contains everything they start. Thread-safe. */
public interface Launcher extends AutoCloseable {
    /** The provider id this launcher came from. */
    String id();

    /** Starts the task agent; the process and all its descendants are tracked until the task ends. */
    TaskProcess start(LaunchSpec spec) throws LaunchException;

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
