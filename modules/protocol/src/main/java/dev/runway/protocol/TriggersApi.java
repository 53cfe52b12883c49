package dev.runway.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Webhook routes (one per provider, authenticated by the project's webhook secret) and the secret's management;
 * polling a project's branches; schedules (CircleCI API v2's {@code /project/{slug}/schedule}, kebab-case keys, with
 * a five-field UTC {@code cron}); the continuation of a setup pipeline ({@code POST /api/v2/pipeline/continue}).
 */
public final class TriggersApi {
    /** {@code POST} here + {@code /{provider}/{project-slug}}: a provider's delivery. */
    public static final String WEBHOOKS = PipelinesApi.V2 + "/webhooks";
    /** The providers, as the webhook paths name them. */
    public static final String GITHUB = "github";
    public static final String GITLAB = "gitlab";
    public static final String GITEA = "gitea";

    private TriggersApi() {}

    /** {@code PUT} with {@link WebhookSecretBody}: sets the project's webhook secret; admin token. */
    public static String webhookSecret(String idOrEscapedSlug) {
        return PipelinesApi.project(idOrEscapedSlug) + "/webhook-secret";
    }

    /** The path a provider delivers to, for a URL-escaped slug. */
    public static String webhook(String provider, String escapedSlug) {
        return WEBHOOKS + "/" + provider + "/" + escapedSlug;
    }

    /** {@code secret} null or absent: the server generates one and answers it, once. */
    public record WebhookSecretBody(String secret) {}

    /** {@code secret} only when the server generated it; {@code webhookPaths} by provider. */
    public record WebhookSecretAnswer(String secret, Map<String, String> webhookPaths) {}

    /** {@code PUT} with {@link PollBody} sets, {@code GET} answers {@link PollStatus}, {@code DELETE} stops; admin. */
    public static String poll(String idOrEscapedSlug) {
        return PipelinesApi.project(idOrEscapedSlug) + "/poll";
    }

    /** {@code POST} with {@link ScheduleCreate} -> 201 {@link ScheduleView}; {@code GET} a page of them. */
    public static String schedules(String escapedSlug) {
        return PipelinesApi.V2 + "/project/" + escapedSlug + "/schedule";
    }

    /** {@code GET} -> {@link ScheduleView}; {@code DELETE} -> {@code {message}}. */
    public static String schedule(String id) {
        return PipelinesApi.V2 + "/schedule/" + id;
    }

    /** {@code POST} with {@link ContinueBody}, authenticated by the key alone: 200 {@code {message}}. */
    public static final String CONTINUE = PipelinesApi.V2 + "/pipeline/continue";

    /** Branches to poll (at least one) and how often, in seconds (default 60, at least 1). */
    public record PollBody(List<String> branches, Long intervalSeconds) {}

    /** {@code heads}: branch -> the commit last seen there; times ISO-8601, null before the first poll. */
    public record PollStatus(List<String> branches, long intervalSeconds, String nextPollAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String lastPolledAt,
            @JsonInclude(JsonInclude.Include.ALWAYS) String lastError, Map<String, String> heads) {}

    /**
     * CircleCI's schedule body: a {@code timetable}, or Runway's {@code cron} (five fields, UTC) instead;
     * {@code parameters} holds {@code branch} or {@code tag} and the pipeline parameters.
     */
    public record ScheduleCreate(String name, String description, String cron, Timetable timetable,
            Map<String, Object> parameters, @JsonProperty("attribution-actor") String attributionActor) {}

    /**
     * CircleCI's timetable: {@code per-hour} runs each hour (1 to 60, evenly spaced from minute 0) at the hours, days
     * and months given (days of week and months by their three-letter names); an absent list means every one.
     */
    public record Timetable(@JsonProperty("per-hour") Integer perHour,
            @JsonProperty("hours-of-day") List<Integer> hoursOfDay,
            @JsonProperty("days-of-week") List<String> daysOfWeek,
            @JsonProperty("days-of-month") List<Integer> daysOfMonth, List<String> months) {}

    /** CircleCI's user that a schedule acts as. */
    public record ScheduleActor(String id, String login, String name) {}

    /**
     * A schedule as CircleCI's API v2 shows one, plus Runway's {@code source} ({@code server}, or {@code config}
     * for a workflow's schedule trigger, then {@code workflow}), its next and last runs.
     */
    public record ScheduleView(String id, String name,
            @JsonInclude(JsonInclude.Include.ALWAYS) String description, String cron,
            @JsonProperty("project-slug") String projectSlug, Map<String, Object> parameters, ScheduleActor actor,
            String source, String workflow, @JsonProperty("next-run-at") String nextRunAt,
            @JsonProperty("last-run-at") String lastRunAt, @JsonProperty("last-pipeline-id") String lastPipelineId,
            @JsonProperty("last-error") String lastError, @JsonProperty("created-at") String createdAt,
            @JsonProperty("updated-at") String updatedAt) {}

    /** The continuation API's body: the key the setup job got, the config to continue with, its parameters. */
    public record ContinueBody(@JsonProperty("continuation-key") String continuationKey, String configuration,
            Map<String, Object> parameters) {}
}
