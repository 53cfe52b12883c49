package dev.runway.agent;

/**
 * Where a launch agent is in its life. Moves forward only: RUNNING, then DRAINING (no new claims; running tasks go
 * on up to max_run_time), then CANCELING (running tasks are stopped with the ladder), then STOPPED.
 */
public enum AgentState {
    RUNNING, DRAINING, CANCELING, STOPPED;

    /** The state after asking for {@code target}: never backwards. */
    AgentState advanceTo(AgentState target) {
        return target.ordinal() > ordinal() ? target : this;
    }
}
