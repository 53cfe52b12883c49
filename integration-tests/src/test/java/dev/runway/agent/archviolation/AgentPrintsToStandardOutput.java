package dev.runway.agent.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class AgentPrintsToStandardOutput {
    void print() {
        System.out.println("only the CLI may print");
    }
}
