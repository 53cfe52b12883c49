package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    @Test
    void delaysGrowThenStayUnderTheCap() {
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (int round = 0; round < 200; round++) {
            ReconnectBackoff backoff = new ReconnectBackoff();
            for (long ceiling : ceilings) {
                assertThat(backoff.nextDelay(null).toMillis()).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void fullJitterSpreadsAFleet() {
        // 1000 agents that lost the server together: their fifth retries spread over the whole [0, 1 s] window.
        Set<Long> tenthsOfASecond = new HashSet<>();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int agent = 0; agent < 1000; agent++) {
            ReconnectBackoff backoff = new ReconnectBackoff();
            Duration delay = Duration.ZERO;
            for (int attempt = 0; attempt < 5; attempt++) {
                delay = backoff.nextDelay(null);
            }
            tenthsOfASecond.add(delay.toMillis() / 100);
            min = Math.min(min, delay.toMillis());
            max = Math.max(max, delay.toMillis());
        }
        assertThat(tenthsOfASecond).hasSizeGreaterThanOrEqualTo(10);
        assertThat(min).isLessThan(100);
        assertThat(max).isGreaterThan(900);
    }

    @Test
    void retryAfterIsAFloorButBounded() {
        ReconnectBackoff backoff = new ReconnectBackoff();
        assertThat(backoff.nextDelay(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.nextDelay(Duration.ofDays(2))).isEqualTo(ReconnectBackoff.MAX_RETRY_AFTER);
    }

    @Test
    void resetStartsOverFromTheSmallestPause() {
        ReconnectBackoff backoff = new ReconnectBackoff();
        for (int i = 0; i < 10; i++) {
            backoff.nextDelay(null);
        }
        assertThat(backoff.consecutiveFailures()).isEqualTo(10);
        backoff.reset();
        assertThat(backoff.consecutiveFailures()).isZero();
        assertThat(backoff.nextDelay(null).toMillis()).isLessThanOrEqualTo(100);
    }
}
