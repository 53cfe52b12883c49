package dev.runway.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The one place where secret values the server must read back (webhook secrets, context and project variables)
 * are turned into what their {@code value_enc} columns hold, and back.
 *
 * <p><b>Today this only base64-wraps the value: it is NOT encryption.</b> The columns are named for the cipher that
 * replaces it (AES-GCM with the server's secrets key); a value is written and read only through
 * {@link #encrypt} and {@link #decrypt}, so wiring the cipher changes this class alone (plus a migration that
 * re-encodes existing rows).
 */
final class SecretValues {
    private SecretValues() {}

    static String encrypt(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    static String decrypt(String stored) {
        return new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8);
    }
}
