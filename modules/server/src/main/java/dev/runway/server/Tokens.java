package dev.runway.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secrets: 32 random bytes in hex (a task token also its issue time first); only their SHA-256 is ever stored or
 * compared.
 */
final class Tokens {
    /**
     * One generator per thread: the default one on Linux reads through a lock shared by the whole process, which
     * the claims of 200 agents were seen waiting for.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Tokens::newRandom);

    /**
     * One SHA-256 per thread: every authenticated request hashes the token it presents, and a claim also its new task
     * token; looking the algorithm up among the providers was half of each hash's time. {@code digest} resets it.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(Tokens::newSha256);

    /** Hex digits of a task token's issue time: milliseconds until the year 10889. */
    private static final int TIME_DIGITS = 12;

    private Tokens() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.get().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A DRBG seeded from the system's entropy (a strong random generator of the Java runtime otherwise). */
    static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /**
     * A task token: the time it was issued (milliseconds since the epoch, {@link #TIME_DIGITS} hex digits), a dot and
     * 32 random bytes in hex. Its {@link #hash} begins with that time, so that each claim adds its token's key at the
     * end of the tasks' token index instead of at a random place in it: a random place is another index page for the
     * claim's commit to write (half of the bytes an H2 commit of claims wrote). The time is no secret; the random
     * part is the token's strength.
     */
    static String generateTaskToken(long issuedMillis) {
        String time = Long.toHexString(issuedMillis); // not String.format: a claim's token is on its busy path
        return "0".repeat(Math.max(0, TIME_DIGITS - time.length())) + time + "." + generate();
    }

    /**
     * What is stored and compared of a token: its SHA-256 in hex, after the issue time of a task token ({@link
     * #generateTaskToken}); every other token (random hex) hashes to its SHA-256 alone.
     */
    static String hash(String token) {
        String digest = HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
        return issuedAt(token) ? token.substring(0, TIME_DIGITS + 1) + digest : digest;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Whether the token begins with an issue time and a dot (a task token of {@link #generateTaskToken}). */
    private static boolean issuedAt(String token) {
        if (token.length() <= TIME_DIGITS || token.charAt(TIME_DIGITS) != '.') {
            return false;
        }
        for (int i = 0; i < TIME_DIGITS; i++) {
            if (Character.digit(token.charAt(i), 16) < 0 || Character.isUpperCase(token.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Compares two hashes in constant time. */
    static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
