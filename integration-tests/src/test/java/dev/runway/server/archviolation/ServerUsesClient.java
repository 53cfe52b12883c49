package dev.runway.server.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class ServerUsesClient {
    private dev.runway.client.RetryPolicy policy;
}
