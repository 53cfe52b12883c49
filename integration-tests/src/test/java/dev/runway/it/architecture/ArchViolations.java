package dev.runway.it.architecture;

/** Where the planted violations live (test sources only; production imports exclude tests). */
final class ArchViolations {
    static final String[] PACKAGES = {
        "dev.runway.config.archviolation", "dev.runway.protocol.archviolation", "dev.runway.client.archviolation",
        "dev.runway.launcher.archviolation", "dev.runway.agent.archviolation",
        "dev.runway.launcher.linux.archviolation", "dev.runway.launcher.macos.archviolation",
        "dev.runway.taskagent.archviolation", "dev.runway.server.archviolation",
        "dev.runway.server.store.archviolation", "dev.runway.cli.archviolation", "dev.runway.pipeline.archviolation",
        "dev.runway.dashboard.archviolation"};

    private ArchViolations() {}
}
