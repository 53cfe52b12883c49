package dev.runway.server.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A setup pipeline's continuation key: 32 random bytes in hex, given to its setup jobs as the secret
 * {@code CIRCLE_CONTINUATION_KEY}, stored recoverable for them and found by its SHA-256 when a job continues.
 */
final class Continuations {
    /** The environment variable a setup job finds its key in (CircleCI's name). */
    static final String VARIABLE = "CIRCLE_CONTINUATION_KEY";
    /** How long after its creation a pipeline may still be continued (CircleCI's limit). */
    static final Duration LIFETIME = Duration.ofHours(6);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Continuations() {}

    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
