package dev.runway.server.store;

/** One attempt of a job, held by a runner while its lease runs. */
public record Task(String id, String jobId, int attempt, String runnerName, TaskState state, long claimedAt,
        long leaseUntil, Long finishedAt) {}
