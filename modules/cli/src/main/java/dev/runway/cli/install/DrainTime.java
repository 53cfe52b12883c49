package dev.runway.cli.install;

import dev.runway.protocol.GoDuration;
import java.time.Duration;
import java.util.Map;

/**
 * How long a service manager must wait for the agent to stop: a drain lets the running task finish (max_run_time),
 * then the task gets runner.grace_period between SIGTERM and SIGKILL, then the agent uploads the last output and
 * results and exits (a fixed margin).
 */
public record DrainTime(Duration maxRunTime, Duration gracePeriod) {
    public static final Duration MARGIN = Duration.ofSeconds(320);
    /** CircleCI's and Runway's defaults: max_run_time 5h, grace_period 10s. */
    public static final DrainTime DEFAULT = new DrainTime(Duration.ofHours(5), Duration.ofSeconds(10));

    public long stopTimeoutSeconds() {
        return maxRunTime.plus(gracePeriod).plus(MARGIN).toSeconds();
    }

    /** The template values that mention the drain time. */
    public Map<String, String> templateValues() {
        return Map.of("MAX_RUN_TIME", GoDuration.format(maxRunTime), "GRACE_PERIOD", GoDuration.format(gracePeriod),
                "STOP_TIMEOUT", Long.toString(stopTimeoutSeconds()));
    }
}
