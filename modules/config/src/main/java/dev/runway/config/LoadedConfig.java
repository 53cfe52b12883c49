package dev.runway.config;

import java.util.List;
import java.util.Objects;

/**
 * A valid configuration and what deserves a warning in it (flat layout, loose file permissions, ...).
 *
 * @param warnings each formatted as {@code file:line:column: key: message}; never contains a token
 */
public record LoadedConfig(LaunchAgentConfig config, List<String> warnings) {
    public LoadedConfig {
        Objects.requireNonNull(config, "config");
        warnings = List.copyOf(warnings);
    }
}
