package dev.runway.server.store;

/** A resource-class token; {@code hash} is the SHA-256 of the secret, which is never kept. */
public record Token(String id, String resourceClassId, String nickname, String hash, long createdAt) {}
