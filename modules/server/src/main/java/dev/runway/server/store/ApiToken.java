package dev.runway.server.store;

/**
 * A scoped API token: {@code scope} "read" or "admin", {@code namespace} null for all namespaces; {@code hash} is the
 * SHA-256 of the secret, which is never kept.
 */
public record ApiToken(String id, String nickname, String scope, String namespace, String hash, long createdAt) {}
