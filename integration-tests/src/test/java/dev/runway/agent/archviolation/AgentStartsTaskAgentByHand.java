package dev.runway.agent.archviolation;

import java.util.List;

/**
 * Planted violation for ArchitectureTests: a launch agent that writes a task agent's arguments itself instead of
 * through TaskAgentInvocation. Never used.
 */
@SuppressWarnings("unused")
final class AgentStartsTaskAgentByHand {
    private dev.runway.launcher.Launcher launcher;

    private List<String> command() {
        return List.of("runway", "task-agent", "--api-url", "http://127.0.0.1:7733", "--task-id", "t-1",
                "--max-run-time", "1h0m0s", "--cancel-grace-period", "10s");
    }

    private void start() throws dev.runway.launcher.LaunchException {
        launcher.start(null);
    }
}
