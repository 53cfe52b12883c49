package dev.runway.it.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Awaitility waits that answer the last value they read instead of throwing on a timeout: the fault suite records a
 * violation that names what it saw last, and the benchmark harness raises its own error with an agent's log. Each
 * wait reads in the calling thread (no extra thread beside a measurement) and reads once at once.
 */
public final class Waits {
    /** How much longer than {@code during} a {@link #holds} may take (its reads themselves take time). */
    private static final Duration UNSTEADY = Duration.ofSeconds(10);

    private Waits() {}

    /**
     * Reads {@code read} every {@code poll} until {@code done} holds for what it read or {@code timeout} passed
     * (a timeout of zero or less reads once); answers the last value read.
     */
    public static <T> T lastUntil(Duration timeout, Duration poll, Callable<T> read, Predicate<T> done) {
        AtomicReference<T> last = new AtomicReference<>();
        Duration atMost = timeout.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : timeout;
        try {
            await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(poll).pollInSameThread().until(() -> {
                T value = read.call();
                last.set(value);
                return done.test(value);
            });
        } catch (ConditionTimeoutException timedOut) {
            // the caller judges the last value read
        }
        return last.get();
    }

    /** Whether {@code condition} came true within {@code timeout}, read every {@code poll}. */
    public static boolean within(Duration timeout, Duration poll, Callable<Boolean> condition) {
        return Boolean.TRUE.equals(lastUntil(timeout, poll, condition, Boolean.TRUE::equals));
    }

    /**
     * Whether {@code condition} holds at every read, one every {@code poll}, for {@code during} (Awaitility's
     * {@code during}): what must stay true, e.g. a final state that must not change. A condition once false must stay
     * false (the callers collect what changed), so that a broken one is told within {@code during} + 10 s.
     */
    public static boolean holds(Duration during, Duration poll, Callable<Boolean> condition) {
        try {
            await().during(during).atMost(during.plus(UNSTEADY)).pollDelay(Duration.ZERO).pollInterval(poll)
                    .pollInSameThread().until(condition);
            return true;
        } catch (ConditionTimeoutException broken) {
            return false;
        }
    }
}
