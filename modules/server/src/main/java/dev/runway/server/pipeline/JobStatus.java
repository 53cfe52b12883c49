package dev.runway.server.pipeline;

import dev.runway.protocol.JobsApi.JobState;
import java.util.Locale;

/** A workflow job's status, as CircleCI names it (the wire name is {@link #wire()}). */
public enum JobStatus {
    SUCCESS, RUNNING, NOT_RUN, FAILED, CANCELED, ON_HOLD, QUEUED, BLOCKED, INFRASTRUCTURE_FAIL, TIMEDOUT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** Whether the job has ended: nothing about it changes any more. */
    public boolean isFinal() {
        return switch (this) {
            case SUCCESS, NOT_RUN, FAILED, CANCELED, INFRASTRUCTURE_FAIL, TIMEDOUT -> true;
            default -> false;
        };
    }

    /** The word a {@code requires: [job: [...]]} status list matches: success, failed, canceled or not_run. */
    public String requirementWord() {
        return switch (this) {
            case SUCCESS -> "success";
            case FAILED, INFRASTRUCTURE_FAIL, TIMEDOUT -> "failed";
            case CANCELED -> "canceled";
            default -> "not_run";
        };
    }

    /** A task's job state as a workflow job status. */
    public static JobStatus of(JobState state) {
        return switch (state) {
            case QUEUED -> QUEUED;
            case RUNNING -> RUNNING;
            case SUCCESS -> SUCCESS;
            case FAILED -> FAILED;
            case CANCELED -> CANCELED;
            case INFRASTRUCTURE_FAIL -> INFRASTRUCTURE_FAIL;
            case TIMEDOUT -> TIMEDOUT;
        };
    }
}
