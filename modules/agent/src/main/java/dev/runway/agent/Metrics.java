package dev.runway.agent;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * The launch agent's counters, written out in Prometheus' text format (version 0.0.4) for {@code /metrics}.
 * Hand-written: a dozen numbers do not need a metrics library.
 */
public final class Metrics {
    /** Upper bounds (seconds) of the claim-duration histogram's buckets. */
    static final double[] CLAIM_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong apiErrors = new AtomicLong();
    private final AtomicLong handedToStandby = new AtomicLong();
    private final AtomicLong emptyClaims = new AtomicLong();
    private final AtomicLongArray claimBuckets = new AtomicLongArray(CLAIM_BUCKETS.length);
    private final AtomicLong claimCount = new AtomicLong();
    private final AtomicLong claimNanos = new AtomicLong();
    private volatile BooleanSupplier healthy = () -> true;
    private volatile BooleanSupplier draining = () -> false;
    private final int slots;

    public Metrics(int slots) {
        this.slots = slots;
    }

    void bind(BooleanSupplier healthy, BooleanSupplier draining) {
        this.healthy = healthy;
        this.draining = draining;
    }

    /** A claim round-trip that brought a task. */
    public void taskClaimed(Duration claimDuration) {
        claimed.incrementAndGet();
        observeClaim(claimDuration);
    }

    /** A claim round-trip that ended with no task (the long poll ran out). */
    public void claimEmpty(Duration claimDuration) {
        emptyClaims.incrementAndGet();
        observeClaim(claimDuration);
    }

    public void taskStarted() {
        running.incrementAndGet();
    }

    public void taskEnded(boolean success) {
        running.decrementAndGet();
        (success ? succeeded : failed).incrementAndGet();
    }

    public void apiError() {
        apiErrors.incrementAndGet();
    }

    /** A task given to the standby task agent: no JVM start in its pickup. */
    public void taskHandedToStandby() {
        handedToStandby.incrementAndGet();
    }

    public long tasksClaimed() {
        return claimed.get();
    }

    public long tasksSucceeded() {
        return succeeded.get();
    }

    public long tasksFailed() {
        return failed.get();
    }

    public int tasksRunning() {
        return running.get();
    }

    public long apiErrors() {
        return apiErrors.get();
    }

    private void observeClaim(Duration duration) {
        double seconds = duration.toNanos() / 1e9;
        for (int i = 0; i < CLAIM_BUCKETS.length; i++) {
            if (seconds <= CLAIM_BUCKETS[i]) {
                claimBuckets.incrementAndGet(i);
                break;
            }
        }
        claimCount.incrementAndGet();
        claimNanos.addAndGet(duration.toNanos());
    }

    /** The Prometheus text exposition of every metric. */
    public String prometheusText() {
        StringBuilder out = new StringBuilder(2048);
        counter(out, "runway_agent_tasks_claimed_total", "Tasks this agent claimed.", claimed.get());
        counter(out, "runway_agent_tasks_succeeded_total", "Tasks whose task agent finished successfully.",
                succeeded.get());
        counter(out, "runway_agent_tasks_failed_total",
                "Tasks that failed, were canceled, timed out or could not be launched.", failed.get());
        gauge(out, "runway_agent_tasks_running", "Tasks running now.", running.get());
        counter(out, "runway_agent_tasks_handed_to_standby_total",
                "Tasks given to a standby task agent, started before them (runner.standby_timeout).",
                handedToStandby.get());
        gauge(out, "runway_agent_slots", "runner.max_concurrent_tasks.", slots);
        counter(out, "runway_agent_claims_empty_total", "Claim long-polls that ended without a task.",
                emptyClaims.get());
        counter(out, "runway_agent_api_errors_total", "Calls to the API that failed (no answer or an error status).",
                apiErrors.get());
        gauge(out, "runway_agent_healthy", "1 while the API answers, 0 after repeated failures.",
                healthy.getAsBoolean() ? 1 : 0);
        gauge(out, "runway_agent_draining", "1 once a drain started (no new claims).",
                draining.getAsBoolean() ? 1 : 0);
        String claim = "runway_agent_claim_duration_seconds";
        out.append("# HELP ").append(claim)
                .append(" Claim round-trips (including the time the server held the long poll).\n");
        out.append("# TYPE ").append(claim).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < CLAIM_BUCKETS.length; i++) {
            cumulative += claimBuckets.get(i);
            out.append(claim).append("_bucket{le=\"").append(number(CLAIM_BUCKETS[i])).append("\"} ")
                    .append(cumulative).append('\n');
        }
        long count = claimCount.get();
        out.append(claim).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append(claim).append("_sum ").append(number(claimNanos.get() / 1e9)).append('\n');
        out.append(claim).append("_count ").append(count).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }
}
