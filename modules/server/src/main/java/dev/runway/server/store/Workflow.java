package dev.runway.server.store;

/** A workflow of a pipeline; {@code status} is CircleCI's workflow status; {@code rerunOf}: the workflow it reruns. */
public record Workflow(String id, String pipelineId, String name, String status, boolean cancelRequested,
        String rerunOf, long createdAt, Long stoppedAt, String canceledBy) {}
