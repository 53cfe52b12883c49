package dev.runway.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS's "full jitter": a uniform pick in [0, min(cap, base * 2^attempt)]), so a
 * fleet that lost the server together does not come back in lock-step. A server's {@code Retry-After} is a floor.
 * {@code maxElapsed} bounds the whole retry; zero means a single attempt.
 */
public record RetryPolicy(Duration base, Duration cap, Duration maxElapsed) {
    /** Calls that must get through (results, output): retried for up to an hour, as Buildkite does for logs. */
    public static final RetryPolicy PERSISTENT = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5),
            Duration.ofHours(1));
    /** Calls that are repeated anyway (heartbeats, claims): a few quick tries. */
    public static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(10));
    public static final RetryPolicy NONE = new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** The pause before retry number {@code attempt} (0-based), at least {@code retryAfter} when given. */
    public Duration delay(int attempt, Duration retryAfter) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
        long pick = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
        long floor = retryAfter == null ? 0 : retryAfter.toMillis();
        return Duration.ofMillis(Math.max(pick, floor));
    }
}
