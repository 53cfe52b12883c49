package dev.runway.server;

import dev.runway.server.store.SecretCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal job secrets at rest (AES-256-GCM, JDK crypto): the current key seals and opens, a previous key
 * (during a rotation) only opens. A sealed value reads {@code aesgcm1:KEYID:BASE64(nonce, ciphertext and tag)}; the
 * key id is a hash of the key, so a value names the key it needs without revealing it. No key reaches a message.
 */
final class SecretsKeys {
    static final String PREVIOUS_SUFFIX = ".previous";
    private static final String FORMAT = "aesgcm1";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final byte[] CONTEXT = "runway job secrets".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key and where it came from (for messages: a variable or a file name, never the key). */
    record Key(String id, SecretKeySpec spec, String origin) {}

    private final Key current;
    private final Key previous;
    /** The key file that was made now and is written only once the store accepted it; null when none. */
    private final Path pendingFile;
    private final byte[] pendingKey;

    private SecretsKeys(Key current, Key previous, Path pendingFile, byte[] pendingKey) {
        this.current = current;
        this.previous = previous;
        this.pendingFile = pendingFile;
        this.pendingKey = pendingKey;
    }

    /**
     * The keys {@code protection} names: the given key (and previous key), else the key file and, during a rotation,
     * the file beside it ending in {@value #PREVIOUS_SUFFIX}. A missing key file is made later by {@link #keep()}.
     */
    static SecretsKeys load(DataProtection protection, Path dataDir) {
        if (protection.secretsKey() != null) {
            Key current = key(decode(protection.secretsKey(), DataProtection.KEY_VARIABLE),
                    DataProtection.KEY_VARIABLE);
            Key previous = protection.previousSecretsKey() == null ? null
                    : key(decode(protection.previousSecretsKey(), DataProtection.PREVIOUS_KEY_VARIABLE),
                            DataProtection.PREVIOUS_KEY_VARIABLE);
            return new SecretsKeys(current, previous, null, null);
        }
        Path file = protection.keyFile(dataDir);
        Path previousFile = previousFile(file);
        Key previous = Files.exists(previousFile) ? key(readKeyFile(previousFile), previousFile.toString()) : null;
        if (Files.exists(file)) {
            return new SecretsKeys(key(readKeyFile(file), file.toString()), previous, null, null);
        }
        if (previous != null) {
            throw new IllegalStateException("the secrets key file " + file + " is missing while " + previousFile
                    + " is there: a key rotation was cut short; rename " + previousFile + " back to " + file);
        }
        byte[] fresh = new byte[KEY_BYTES];
        RANDOM.nextBytes(fresh);
        return new SecretsKeys(key(fresh, file.toString()), null, file, fresh);
    }

    static Path previousFile(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + PREVIOUS_SUFFIX);
    }

    /**
     * Writes a key file made by {@link #load} (mode 0600), and deletes the previous key file once nothing needs it:
     * call after every stored secret was sealed with the current key.
     */
    void keep() {
        try {
            if (pendingFile != null && !Files.exists(pendingFile)) {
                writeKeyFile(pendingFile, pendingKey);
            }
            if (previous != null && !previous.origin().equals(DataProtection.PREVIOUS_KEY_VARIABLE)) {
                Files.deleteIfExists(Path.of(previous.origin()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets key file " + pendingFile, e);
        }
    }

    /** Whether the previous key may be dropped now (it came from a file, which {@link #keep()} deletes). */
    Optional<String> previousOrigin() {
        return Optional.ofNullable(previous).map(Key::origin);
    }

    /** These keys as the store's cipher of the secret values it keeps (same format as sealed job secrets). */
    SecretCipher storeCipher() {
        return new SecretCipher() {
            @Override
            public String seal(String plaintext) {
                return SecretsKeys.this.seal(plaintext);
            }

            @Override
            public String open(String sealed) {
                return SecretsKeys.this.open(sealed);
            }

            @Override
            public boolean isSealed(String stored) {
                return stored.startsWith(FORMAT + ":");
            }

            @Override
            public boolean isCurrent(String sealed) {
                return keyIdOf(sealed).equals(current.id());
            }
        };
    }

    String currentId() {
        return current.id();
    }

    String currentOrigin() {
        return current.origin();
    }

    String seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(CONTEXT);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return FORMAT + ":" + current.id() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime: " + e.getMessage(), e);
        }
    }

    /** The key id a sealed value needs. */
    static String keyIdOf(String sealed) {
        String[] parts = sealed.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(FORMAT)) {
            throw new IllegalStateException("a sealed secret is not in the " + FORMAT + " format");
        }
        return parts[1];
    }

    boolean canOpen(String sealed) {
        String id = keyIdOf(sealed);
        return current.id().equals(id) || previous != null && previous.id().equals(id);
    }

    String open(String sealed) {
        String id = keyIdOf(sealed);
        Key key = current.id().equals(id) ? current : previous != null && previous.id().equals(id) ? previous : null;
        if (key == null) {
            throw new IllegalStateException("secrets sealed with key " + id + ", which is not the current key ("
                    + current.origin() + ", id " + current.id() + ")" + (previous == null ? ""
                            : " nor the previous one (" + previous.origin() + ", id " + previous.id() + ")"));
        }
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(FORMAT.length() + id.length() + 2));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(128, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(CONTEXT);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed secrets do not open with key " + id + " (" + key.origin()
                    + "): altered or sealed with another key of the same id", e);
        }
    }

    /**
     * Rotates the key file: the current file becomes the previous one ({@value #PREVIOUS_SUFFIX}) and a new key is
     * written (0600). The server seals every stored secret again with the new key on its next start and then deletes
     * the previous file. Refused while a rotation is pending (a previous file is there): its key may still be needed.
     */
    static Path rotate(Path keyFile) {
        Path previousFile = previousFile(keyFile);
        if (Files.exists(previousFile)) {
            throw new IllegalStateException(previousFile + " is there: the last rotation is not finished; start the "
                    + "server once (it seals every secret with the new key and deletes that file), then rotate again");
        }
        byte[] fresh = new byte[KEY_BYTES];
        RANDOM.nextBytes(fresh);
        Path staged = keyFile.resolveSibling(keyFile.getFileName() + ".new");
        try {
            readKeyFile(keyFile); // a key file that cannot be read must not be retired
            Files.deleteIfExists(staged);
            writeKeyFile(staged, fresh);
            Files.move(keyFile, previousFile);
            try {
                Files.move(staged, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, keyFile);
            }
            return previousFile;
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no secrets key file at " + keyFile + " (the server makes it on first "
                    + "start)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the secrets key file " + keyFile, e);
        }
    }

    private static Key key(byte[] bytes, String origin) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(CONTEXT.length
                    + bytes.length).put(CONTEXT).put(bytes).array());
            return new Key(HexFormat.of().formatHex(digest, 0, 8), new SecretKeySpec(bytes, "AES"), origin);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static byte[] decode(String text, String origin) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(origin + ": not a secrets key (expected base64 of " + KEY_BYTES
                    + " random bytes, e.g. from `head -c " + KEY_BYTES + " /dev/urandom | base64`)");
        }
        return bytes;
    }

    private static byte[] readKeyFile(Path file) {
        try {
            return decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no secrets key file at " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secrets key file " + file, e);
        }
    }

    private static void writeKeyFile(Path file, byte[] key) throws IOException {
        try {
            Files.createFile(file, PrivateFiles.OWNER_ONLY_FILE);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    }
}
