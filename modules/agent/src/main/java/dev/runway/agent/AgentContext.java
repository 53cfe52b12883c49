package dev.runway.agent;

import dev.runway.config.LaunchAgentConfig;
import dev.runway.launcher.Launcher;
import java.nio.file.Path;
import java.time.Clock;

/** What every part of one launch agent shares. */
record AgentContext(LaunchAgentConfig config, Launcher launcher, TaskStateStore stateStore, Path taskLogDirectory,
        WorkingDirectories workingDirectories, Path runwayExecutable, Metrics metrics, HealthMonitor health,
        Clock clock) {

    String resourceClassToken() {
        return config.api().authToken().reveal();
    }
}
