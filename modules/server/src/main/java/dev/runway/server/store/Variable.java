package dev.runway.server.store;

/** A context's or project's variable; {@code value} is in clear (the store keeps it encrypted at rest). */
public record Variable(String name, String value, long createdAt, long updatedAt) {}
