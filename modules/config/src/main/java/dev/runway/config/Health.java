package dev.runway.config;

import java.util.Objects;

/**
 * The {@code health:} section (Runway's own).
 *
 * @param listen "host:port" to serve /live, /ready and /metrics on; "" = off (default)
 */
public record Health(String listen) {
    public Health {
        Objects.requireNonNull(listen, "listen");
    }

    /** True when the health endpoint is switched on. */
    public boolean enabled() {
        return !listen.isEmpty();
    }
}
