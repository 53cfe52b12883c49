package dev.runway.server.store;

/** An organization's namespace: resource classes are named {@code namespace/name}. */
public record Namespace(String id, String name, String orgId, long createdAt) {}
