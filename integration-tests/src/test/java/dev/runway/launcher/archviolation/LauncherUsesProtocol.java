package dev.runway.launcher.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class LauncherUsesProtocol {
    private dev.runway.protocol.Json json;
}
