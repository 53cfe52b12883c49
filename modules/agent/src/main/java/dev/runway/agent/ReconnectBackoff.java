package dev.runway.agent;

import dev.runway.client.RetryPolicy;
import java.time.Duration;

/**
 * How long the claim loop waits after a failed claim: exponential backoff with full jitter (RetryPolicy's formula),
 * so a fleet that lost the server together does not come back in lock-step. The cap is low (1 s by default): a
 * refused connection costs the server nothing, and the agent picks up work within a second of the server's return.
 * A server's {@code Retry-After} (it is alive but busy) is honoured as a floor. Not thread-safe: one per loop.
 */
public final class ReconnectBackoff {
    /** First pauses of at most 100, 200, 400, 800 ms, then at most 1 s. */
    public static final RetryPolicy DEFAULT_POLICY = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ZERO);
    /** Never wait longer than this, whatever Retry-After says (a bad header must not park the agent). */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final RetryPolicy policy;
    private int failures;

    public ReconnectBackoff() {
        this(DEFAULT_POLICY);
    }

    public ReconnectBackoff(RetryPolicy policy) {
        this.policy = policy;
    }

    /** Records a failure and answers the pause before the next try. {@code retryAfter} may be null. */
    public Duration nextDelay(Duration retryAfter) {
        Duration floor = retryAfter == null ? null
                : retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        return policy.delay(failures++, floor);
    }

    /** The server answered: the next failure starts from the smallest pause again. */
    public void reset() {
        failures = 0;
    }

    /** Failures since the last success. */
    public int consecutiveFailures() {
        return failures;
    }
}
