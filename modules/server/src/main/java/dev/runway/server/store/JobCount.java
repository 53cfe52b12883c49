package dev.runway.server.store;

import dev.runway.protocol.JobsApi.JobState;

/**
 * How many jobs of one resource class ({@code namespace/name}) are in one state, and when the oldest of them was
 * submitted (epoch milliseconds).
 */
public record JobCount(String resourceClass, JobState state, long count, long oldestCreatedAt) {}
