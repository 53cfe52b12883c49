package dev.runway.launcher.macos.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class MacLauncherUsesProtocol {
    private dev.runway.protocol.Json json;
}
