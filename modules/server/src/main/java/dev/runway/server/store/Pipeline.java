package dev.runway.server.store;

/**
 * One run of a project's config at one revision. {@code state}: CircleCI's pipeline state ({@code created},
 * {@code errored}, ...); {@code parameters} and {@code errors} are JSON (an object, a list of {@code {type, message}});
 * {@code config} is the source read at the revision, {@code compiled} the compiled pipeline's processed config.
 */
public record Pipeline(String id, String projectId, long number, String state, String triggerType, String actor,
        String branch, String tag, String revision, String parameters, String errors, String config,
        String compiled, long createdAt, long updatedAt) {}
