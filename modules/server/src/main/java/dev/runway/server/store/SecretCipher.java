package dev.runway.server.store;

/**
 * Seals the secret values the store keeps and must read back (webhook secrets, context and project variables) with
 * the server's key material, which the store never sees. A sealed value names the key it needs, so a value sealed
 * with an older key can be found and sealed again.
 */
public interface SecretCipher {
    /** The value sealed with the current key: text that holds nothing of {@code plaintext} in the clear. */
    String seal(String plaintext);

    /** The value {@link #seal} was given; throws {@link IllegalStateException} when no key at hand opens it. */
    String open(String sealed);

    /** Whether {@code stored} is a value this cipher sealed (else it is from before values were sealed). */
    boolean isSealed(String stored);

    /** Whether {@code sealed} is sealed with the current key. */
    boolean isCurrent(String sealed);

    /** A store opened without the server's keys (tools, tests of other tables): refuses every secret value. */
    SecretCipher NONE = new SecretCipher() {
        @Override
        public String seal(String plaintext) {
            throw refused();
        }

        @Override
        public String open(String sealed) {
            throw refused();
        }

        @Override
        public boolean isSealed(String stored) {
            return stored.startsWith("aesgcm1:");
        }

        @Override
        public boolean isCurrent(String sealed) {
            return false;
        }

        private IllegalStateException refused() {
            return new IllegalStateException("this store was opened without the server's secrets key: secret values"
                    + " can be neither written nor read");
        }
    };
}
