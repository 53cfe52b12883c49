package dev.runway.server.store;

/**
 * A workflow of a pipeline; {@code status} is CircleCI's workflow status; {@code rerunOf}: the workflow it reruns;
 * {@code autoRerunsLeft}: how many more times a failed run is rerun from failed on its own ({@code max_auto_reruns}).
 */
public record Workflow(String id, String pipelineId, String name, String status, boolean cancelRequested,
        String rerunOf, long createdAt, Long stoppedAt, String canceledBy, int autoRerunsLeft) {}
