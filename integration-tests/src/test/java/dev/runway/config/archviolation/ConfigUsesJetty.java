package dev.runway.config.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class ConfigUsesJetty {
    private org.eclipse.jetty.server.Server server;
}
