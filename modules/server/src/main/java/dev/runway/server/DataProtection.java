package dev.runway.server;

import java.nio.file.Path;

/**
 * How the server protects what it keeps at rest. {@code strict}: refuse to start when the data directory or a file
 * in it is open to others (else such modes are tightened: 0700 directories, 0600 files). The job secrets are sealed
 * with AES-GCM under a key given as {@code secretsKey} (base64 of 32 bytes, e.g. from the environment variable
 * {@value #KEY_VARIABLE}) or kept in {@code secretsKeyFile} (default {@code DATA/secrets.key}, made 0600 on first
 * start). {@code previousSecretsKey} opens secrets sealed before a rotation; the server seals them again with the
 * current key on start.
 */
public record DataProtection(boolean strict, Path secretsKeyFile, String secretsKey, String previousSecretsKey) {
    public static final String KEY_VARIABLE = "RUNWAY_SECRETS_KEY";
    public static final String PREVIOUS_KEY_VARIABLE = "RUNWAY_SECRETS_KEY_PREVIOUS";
    public static final String KEY_FILE_NAME = "secrets.key";
    public static final DataProtection DEFAULT = new DataProtection(false, null, null, null);

    /** Reads the keys from {@value #KEY_VARIABLE} and {@value #PREVIOUS_KEY_VARIABLE} when they are set. */
    public static DataProtection fromEnvironment(java.util.Map<String, String> environment, boolean strict,
            Path secretsKeyFile) {
        return new DataProtection(strict, secretsKeyFile, blankToNull(environment.get(KEY_VARIABLE)),
                blankToNull(environment.get(PREVIOUS_KEY_VARIABLE)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The key file in use when no key is given: {@code secretsKeyFile}, else {@code DATA/secrets.key}. */
    public Path keyFile(Path dataDir) {
        return secretsKeyFile != null ? secretsKeyFile.toAbsolutePath() : dataDir.toAbsolutePath()
                .resolve(KEY_FILE_NAME);
    }

    /** Never shows a key. */
    @Override
    public String toString() {
        return "DataProtection[strict=" + strict + ", secretsKeyFile=" + secretsKeyFile + ", secretsKey="
                + (secretsKey == null ? "unset" : "********") + ", previousSecretsKey="
                + (previousSecretsKey == null ? "unset" : "********") + "]";
    }
}
