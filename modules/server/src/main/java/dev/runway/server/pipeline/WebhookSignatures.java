package dev.runway.server.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook delivery comes from whoever holds the project's secret: GitHub's
 * {@code X-Hub-Signature-256: sha256=HEX} and Gitea's / Forgejo's bare {@code HEX} are HMAC-SHA256 of the raw body,
 * GitLab's {@code X-Gitlab-Token} is the secret itself. Comparisons take the same time whatever matches.
 */
public final class WebhookSignatures {
    private static final String GITHUB_PREFIX = "sha256=";

    private WebhookSignatures() {}

    /** GitHub: {@code header} is {@code sha256=} and the hexadecimal HMAC-SHA256 of {@code body}. */
    public static boolean github(String secret, byte[] body, String header) {
        return header != null && header.startsWith(GITHUB_PREFIX)
                && hmacMatches(secret, body, header.substring(GITHUB_PREFIX.length()));
    }

    /** Gitea and Forgejo: {@code header} is the hexadecimal HMAC-SHA256 of {@code body}. */
    public static boolean gitea(String secret, byte[] body, String header) {
        return header != null && hmacMatches(secret, body, header);
    }

    /** GitLab: {@code header} is the secret. */
    public static boolean gitlab(String secret, String header) {
        return header != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8));
    }

    /** The hexadecimal HMAC-SHA256 of {@code body} with {@code secret} (what a provider sends). */
    public static String hmacHex(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret, body));
    }

    private static boolean hmacMatches(String secret, byte[] body, String hex) {
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(hex.strip().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, body), presented);
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this runtime", e);
        }
    }
}
