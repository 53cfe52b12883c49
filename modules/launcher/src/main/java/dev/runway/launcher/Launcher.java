package dev.runway.launcher;

import java.util.List;

/** Starts task agents and contains everything they start. Thread-safe. */
public interface Launcher extends AutoCloseable {
    /** The provider id this launcher came from. */
    String id();

    /** Starts the task agent; the process and all its descendants are tracked until the task ends. */
    TaskProcess start(LaunchSpec spec) throws LaunchException;

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
