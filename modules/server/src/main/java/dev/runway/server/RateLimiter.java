package dev.runway.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calls per token and minute on the expensive routes (job submission and lists): a token bucket per token hash that
 * holds a minute's worth and refills evenly. Past it a call answers 429 with Retry-After. Only the most recently
 * seen tokens are kept (an evicted token starts with a full bucket, which is the generous side).
 */
final class RateLimiter {
    private static final int KEPT = 10_000;
    private final double perMillis;
    private final double capacity;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > KEPT;
        }
    };

    RateLimiter(int perMinute) {
        this.capacity = perMinute;
        this.perMillis = perMinute / 60_000.0;
    }

    /** Takes one call of {@code tokenHash}'s budget, or answers 429 when it is spent. */
    void acquire(String tokenHash, long nowMillis) {
        long waitMillis;
        synchronized (buckets) {
            // [tokens left, when last refilled]
            double[] bucket = buckets.computeIfAbsent(tokenHash, key -> new double[] {capacity, nowMillis});
            bucket[0] = Math.min(capacity, bucket[0] + (nowMillis - bucket[1]) * perMillis);
            bucket[1] = nowMillis;
            if (bucket[0] >= 1) {
                bucket[0] -= 1;
                return;
            }
            waitMillis = (long) Math.ceil((1 - bucket[0]) / perMillis);
        }
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        throw new ApiError(429, "too many calls with this token: at most " + (long) capacity + " job submissions "
                + "and lists a minute; retry in " + seconds + " s").withHeader("Retry-After", Long.toString(seconds));
    }
}
