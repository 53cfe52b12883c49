package dev.runway.config;

import java.util.Objects;

/** Immutable, validated launch-agent configuration: launch-agent-config.yaml plus environment overrides. */
public record LaunchAgentConfig(Api api, Runner runner, Logging logging, Health health) {
    public LaunchAgentConfig {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(health, "health");
    }
}
