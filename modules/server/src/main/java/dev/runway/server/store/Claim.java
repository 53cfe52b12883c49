package dev.runway.server.store;

/** A claim: the task just created and its job. */
public record Claim(Task task, Job job) {}
