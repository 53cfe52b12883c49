package dev.runway.client.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class ClientUsesLauncherAndJna {
    private dev.runway.launcher.LaunchSpec spec;
    private com.sun.jna.Pointer pointer;
}
