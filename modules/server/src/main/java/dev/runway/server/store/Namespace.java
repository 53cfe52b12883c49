package dev.runway.server.store;

/**
 * An organisation's namespace: resource classes are named {@code namespace/name}. {@code organizationId} is the
 * organisation's id (a UUID, what clients filter by); {@code orgId} is the organisation as the namespace was created
 * with it (a VCS slug such as {@code github/acme}, or that UUID).
 */
public record Namespace(String id, String name, String orgId, String organizationId, long createdAt) {}
