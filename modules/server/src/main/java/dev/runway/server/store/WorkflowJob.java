package dev.runway.server.store;

/**
 * A job of a workflow. {@code type}: {@code build} or {@code approval}; {@code status}: CircleCI's job status;
 * {@code requires}: JSON object of required job names to accepted statuses; {@code spec}: what its tasks run (JSON,
 * the scheduler's to read); {@code jobNumber}: the build number of its first node once queued.
 */
public record WorkflowJob(String id, String workflowId, int index, String name, String type, String status,
        String requires, String spec, String resourceClass, int parallelism, String serialGroup, Long jobNumber,
        String reason, String approvedBy, Long queuedAt, Long startedAt, Long stoppedAt) {}
