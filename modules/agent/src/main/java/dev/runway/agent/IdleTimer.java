package dev.runway.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code runner.idle_timeout}: the agent is idle when no task runs; it has been idle for as long as it is since the
 * last claim or the last task's end, whichever is later. {@link Duration#ZERO} means never.
 */
final class IdleTimer {
    private final Duration timeout;
    private final Clock clock;
    private Instant lastActivity;
    private int running;

    IdleTimer(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
        this.lastActivity = clock.instant();
    }

    synchronized void taskStarted() {
        running++;
        lastActivity = clock.instant();
    }

    synchronized void taskEnded() {
        running--;
        lastActivity = clock.instant();
    }

    /** How long until the timeout if nothing happens; null when it never expires (disabled or a task runs). */
    synchronized Duration remaining() {
        if (timeout.isZero() || running > 0) {
            return null;
        }
        Duration left = timeout.minus(Duration.between(lastActivity, clock.instant()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    boolean expired() {
        Duration left = remaining();
        return left != null && left.isZero();
    }
}
