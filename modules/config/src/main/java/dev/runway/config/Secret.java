package dev.runway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/** A secret string (a token): {@link #toString()} is {@value #REDACTED}; only {@link #reveal()} gives the value. */
public final class Secret {
    public static final String REDACTED = "********";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself: pass it straight to where it is needed, never to a log or a message. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object other) {
        // Constant-time comparison: equality must not leak the token through timing.
        return other instanceof Secret secret && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash derived from the value would leak information about it; secrets are rarely hashed
    }
}
