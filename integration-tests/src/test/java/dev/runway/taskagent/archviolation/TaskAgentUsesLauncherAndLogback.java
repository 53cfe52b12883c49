package dev.runway.taskagent.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class TaskAgentUsesLauncherAndLogback {
    private dev.runway.launcher.LaunchSpec spec;
    private ch.qos.logback.classic.Logger logger;
}
