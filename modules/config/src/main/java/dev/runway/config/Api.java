package dev.runway.config;

import java.util.Objects;

/**
 * The {@code api:} section: where the control plane is and the resource-class token that authenticates this agent.
 *
 * @param url       server base URL, default {@value #DEFAULT_URL}
 * @param authToken the resource-class token (required); its {@code toString()} is redacted
 */
public record Api(String url, Secret authToken) {
    public static final String DEFAULT_URL = "http://127.0.0.1:7733";

    public Api {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(authToken, "authToken");
    }
}
