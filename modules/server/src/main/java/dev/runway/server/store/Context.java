package dev.runway.server.store;

/** A named set of variables that workflow jobs ask for with {@code context:}. */
public record Context(String id, String name, long createdAt) {}
