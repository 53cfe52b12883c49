package dev.runway.cli.archviolation;

/**
 * Planted violation for ArchitectureTests: a task agent's start-up that takes its token from an argument instead of
 * reading its invocation through TaskAgentInvocation. Never used.
 */
@SuppressWarnings("unused")
final class TaskAgentWithTokenFromArguments {
    private dev.runway.taskagent.TaskAgent start(String[] args) {
        return new dev.runway.taskagent.TaskAgent(null, args[0], null);
    }
}
