package dev.runway.pipeline.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class PipelineUsesConfig {
    private dev.runway.config.LaunchAgentConfig config;
}
