package dev.runway.launcher.linux.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
public final class LinuxLauncherUsesAgent {
    private dev.runway.agent.archviolation.AgentUsesLinuxLauncher agent;
}
