package dev.runway.server.pipeline;

import java.util.Map;

/**
 * What starts a pipeline. {@code branch} and {@code tag} are exclusive (neither: the project's default branch);
 * {@code revision}, when given, is the commit to build (it must be on the branch or tag's history only by
 * convention, as with CircleCI); {@code type} is CircleCI's trigger type ({@code api}, {@code explicit},
 * {@code webhook}, {@code scheduled_pipeline}) or Runway's {@code poll}; {@code actor} who or what triggered it;
 * {@code onlyWorkflow} and {@code onlyJob} (null: everything) narrow what runs, for {@code runway run} and for a
 * config's scheduled workflow; {@code scheduleName} the schedule that triggered it ({@code pipeline.schedule.name}).
 */
public record TriggerRequest(String branch, String tag, String revision, Map<String, Object> parameters, String type,
        String actor, String onlyWorkflow, String onlyJob, String scheduleName) {
    /** The trigger type of a pipeline the poller created for a new commit. */
    public static final String POLL = "poll";
    /** CircleCI's trigger type of a scheduled pipeline (server schedules and a config's scheduled workflows). */
    public static final String SCHEDULED = "scheduled_pipeline";

    public TriggerRequest {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public TriggerRequest(String branch, String tag, String revision, Map<String, Object> parameters, String type,
            String actor, String onlyWorkflow, String onlyJob) {
        this(branch, tag, revision, parameters, type, actor, onlyWorkflow, onlyJob, null);
    }

    public static TriggerRequest api(String branch, String tag, Map<String, Object> parameters, String actor) {
        return new TriggerRequest(branch, tag, null, parameters, "api", actor, null, null);
    }

    /** Only the workflow named {@code workflow} runs, or only the job {@code job} (alone, as a workflow of its own). */
    public TriggerRequest only(String workflow, String job) {
        return new TriggerRequest(branch, tag, revision, parameters, type, actor, workflow, job, scheduleName);
    }
}
