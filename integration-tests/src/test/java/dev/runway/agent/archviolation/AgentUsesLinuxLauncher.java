package dev.runway.agent.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
public final class AgentUsesLinuxLauncher {
    private dev.runway.launcher.linux.archviolation.LinuxLauncherUsesAgent linux;
}
