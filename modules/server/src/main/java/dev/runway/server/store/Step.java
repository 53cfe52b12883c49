package dev.runway.server.store;

import dev.runway.protocol.RunnerApi.StepResult;

/** A step of a task as the runner reported it. */
public record Step(String taskId, int index, String name, StepResult result, Long startedAt) {}
