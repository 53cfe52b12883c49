package dev.runway.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An OpenSSH private key file ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, what ssh-keygen writes) read as far as
 * its public half: the key type and the fingerprints {@code ssh-keygen -l} prints (SHA256, and MD5 as CircleCI's
 * {@code add_ssh_keys} fingerprints are often written). The private part is never decoded here.
 */
final class SshPrivateKeys {
    private static final String BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String END = "-----END OPENSSH PRIVATE KEY-----";
    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    private SshPrivateKeys() {}

    record Described(String keyType, String sha256Fingerprint, String md5Fingerprint) {}

    /** @throws IllegalArgumentException naming what is wrong (never quoting the key) */
    static Described describe(String privateKey) {
        String text = privateKey == null ? "" : privateKey.strip();
        if (text.startsWith("-----BEGIN") && !text.startsWith(BEGIN)) {
            throw new IllegalArgumentException("private_key: not an OpenSSH private key (" + text.lines().findFirst()
                    .orElse("") + "); convert it with ssh-keygen -p -f KEYFILE, which writes the OpenSSH format");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin != 0 || end < 0) {
            throw new IllegalArgumentException("private_key: expected an OpenSSH private key (" + BEGIN + ")");
        }
        byte[] body;
        try {
            body = Base64.getMimeDecoder().decode(text.substring(BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private_key: the key's base64 is not readable");
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("private_key: not an openssh-key-v1 key");
            }
            String cipher = new String(string(in), StandardCharsets.US_ASCII);
            string(in); // kdf name
            string(in); // kdf options
            int keys = in.getInt();
            if (keys != 1) {
                throw new IllegalArgumentException("private_key: holds " + keys + " keys; give one key per file");
            }
            if (!"none".equals(cipher)) {
                throw new IllegalArgumentException("private_key: the key has a passphrase, which a job cannot type;"
                        + " remove it from a copy with ssh-keygen -p -N '' -f KEYFILE");
            }
            byte[] publicKey = string(in);
            String type = new String(string(ByteBuffer.wrap(publicKey)), StandardCharsets.US_ASCII);
            return new Described(type, "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(
                    digest("SHA-256", publicKey)), colons(HexFormat.of().formatHex(digest("MD5", publicKey))));
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("private_key: the key is truncated");
        }
    }

    private static byte[] string(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    private static String colons(String hex) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return out.toString();
    }

    /** A fingerprint as given (SHA256:..., MD5:aa:bb..., or aa:bb...) as stored: MD5 without its prefix. */
    static String normalise(String fingerprint) {
        String text = fingerprint.strip();
        return text.regionMatches(true, 0, "MD5:", 0, 4) ? text.substring(4).toLowerCase(java.util.Locale.ROOT)
                : text.startsWith("SHA256:") ? text : text.toLowerCase(java.util.Locale.ROOT);
    }
}
