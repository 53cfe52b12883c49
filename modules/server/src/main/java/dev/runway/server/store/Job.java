package dev.runway.server.store;

import dev.runway.protocol.JobsApi.JobState;

/** {@code definition}: the parsed job as JSON (the server's to read); {@code taskId}: the current attempt. */
public record Job(String id, long buildNum, String resourceClassId, String resourceClass, String name,
        String definition, long maxRunTimeSeconds, JobState state, String reason, boolean cancelRequested,
        int attempts, int requeues, String taskId, long createdAt, Long startedAt, Long finishedAt) {}
