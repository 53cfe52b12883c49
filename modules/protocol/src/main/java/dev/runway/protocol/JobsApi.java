package dev.runway.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Wire records of job submission, status, output and cancel (Runway's own; steps in CircleCI's shapes). */
public final class JobsApi {
    /** {@code POST} a {@link JobSubmission} (201 {@link JobStatus}); {@code GET ?resource-class=&state=&limit=} list. */
    public static final String JOBS = ApiPaths.BASE + "/jobs";
    /** Response header of the output call: the offset to ask for next. */
    public static final String NEXT_OFFSET_HEADER = "Runway-Next-Offset";
    /** Response header of the output call: {@code true} when no more bytes will come for this step. */
    public static final String COMPLETE_HEADER = "Runway-Output-Complete";

    private JobsApi() {}

    /** {@code GET}: {@link JobStatus}. */
    public static String job(String jobId) {
        return JOBS + "/" + jobId;
    }

    /** {@code POST}: cancels; a queued job at once, a running one through its heartbeat. Answers {@link JobStatus}. */
    public static String cancel(String jobId) {
        return JOBS + "/" + jobId + "/cancel";
    }

    /**
     * {@code GET}, query {@code offset} (default 0) and {@code wait} (seconds to hold the request while no new bytes
     * are there, default 0): raw bytes of the step's output from {@code offset}, with {@link #NEXT_OFFSET_HEADER}
     * and {@link #COMPLETE_HEADER}.
     */
    public static String stepOutput(String jobId, int step) {
        return JOBS + "/" + jobId + "/steps/" + step + "/output";
    }

    /**
     * A job as submitted. {@code steps} keeps CircleCI's shapes ({@code "checkout"}, {@code {"run": "cmd"}},
     * {@code {"run": {...}}}); {@link JobDefinitionParser} turns them into {@link RunnerApi.StepSpec}s.
     * {@code secrets} reach the job's environment and are masked in its output; they are never shown again.
     * {@code maxRunTime}: a Go duration, default 5h.
     */
    public record JobSubmission(String resourceClass, String name, List<JsonNode> steps,
            Map<String, String> environment, Map<String, String> secrets, Checkout checkout, String maxRunTime) {
        @Override
        public String toString() {
            return "JobSubmission[resourceClass=" + resourceClass + ", name=" + name + ", steps=" + steps
                    + ", secrets=" + (secrets == null ? "{}" : secrets.keySet()) + "]";
        }

        /** A job of plain {@code run} steps, e.g. for tests. */
        public static JobSubmission ofCommands(String resourceClass, String name, String... commands) {
            List<JsonNode> steps = new ArrayList<>();
            for (String command : commands) {
                steps.add(JsonNodeFactory.instance.objectNode().put("run", command));
            }
            return new JobSubmission(resourceClass, name, steps, null, null, null, null);
        }
    }

    public enum JobState {
        @com.fasterxml.jackson.annotation.JsonProperty("queued") QUEUED,
        @com.fasterxml.jackson.annotation.JsonProperty("running") RUNNING,
        @com.fasterxml.jackson.annotation.JsonProperty("success") SUCCESS,
        @com.fasterxml.jackson.annotation.JsonProperty("failed") FAILED,
        @com.fasterxml.jackson.annotation.JsonProperty("canceled") CANCELED,
        @com.fasterxml.jackson.annotation.JsonProperty("infrastructure_fail") INFRASTRUCTURE_FAIL,
        /** It reached its max run time, or a step its {@code no_output_timeout}. */
        @com.fasterxml.jackson.annotation.JsonProperty("timedout") TIMEDOUT;

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING;
        }
    }

    /**
     * A job's state. Times are ISO-8601 (null until they happen). {@code attempts}: how many times a runner claimed
     * it (a lapsed lease requeues it, at most 3 times). {@code cancelRequested}: a cancel is on its way to the runner.
     */
    public record JobStatus(String id, long buildNum, String name, String resourceClass, JobState state,
            String reason, boolean cancelRequested, int attempts, String runner, String createdAt,
            String startedAt, String finishedAt, List<StepState> steps) {}

    /** One step of the job's current attempt; {@code outputBytes}: how much output is stored so far. */
    public record StepState(int index, String name, String type, StepStatus status, Integer exitCode,
            Integer signal, String reason, Long durationMillis, String startedAt, String finishedAt,
            long outputBytes) {}

    public record JobList(List<JobStatus> items) {}
}
