package dev.runway.server.store;

/** One parallel node of a workflow job and the job that runs it. */
public record NodeJob(String workflowJobId, int nodeIndex, Job job) {}
