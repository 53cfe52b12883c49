package dev.runway.server.store;

/**
 * A schedule that triggers pipelines: {@code source} {@code server} (made through the API) or {@code config} (a
 * workflow's {@code triggers: - schedule:} in the default branch's config, then {@code workflow} names it).
 * {@code cron} five fields in UTC; {@code branch} or {@code tag} what it builds; {@code parameters} a JSON object;
 * {@code nextRunAt} when it is due (and the value a replica claims it with).
 */
public record Schedule(String id, String projectId, String source, String name, String description, String cron,
        String branch, String tag, String workflow, String parameters, long nextRunAt, Long lastRunAt,
        String lastPipelineId, String lastError, long createdAt, long updatedAt) {
    public static final String SERVER = "server";
    public static final String CONFIG = "config";

    /** The same schedule due at another time. */
    public Schedule withNextRunAt(long next) {
        return new Schedule(id, projectId, source, name, description, cron, branch, tag, workflow, parameters, next,
                lastRunAt, lastPipelineId, lastError, createdAt, updatedAt);
    }
}
