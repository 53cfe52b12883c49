package dev.runway.server.store;

/**
 * A table's content in short: its rows and a SHA-256 over them (each row encoded as text, the lines sorted, so the
 * same rows give the same digest on every engine).
 */
public record TableDigest(String table, long rows, String sha256) {}
