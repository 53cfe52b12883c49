package dev.runway.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS from two PEM files: the certificate chain (leaf first) and its private key (PKCS#8, "BEGIN PRIVATE KEY"; RSA,
 * EC or Ed25519), read with JDK classes into a key store Jetty serves from. {@link #reloadIfChanged()} reads them again
 * when either file changed (a renewed certificate) and swaps them in for new connections; a broken pair is logged and
 * the served one kept.
 */
final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];
    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private String loadedVersion;
    private volatile Certificate served;

    ServerTls(Path certFile, Path keyFile) {
        this.certFile = certFile.toAbsolutePath();
        this.keyFile = keyFile.toAbsolutePath();
        KeyStore initial = keyStore();
        factory.setKeyStore(initial);
        served = leaf(initial);
        factory.setKeyStorePassword("");
        // clients reach the server by IP address as often as by name: no SNI is required or checked
        factory.setSniRequired(false);
        loadedVersion = version();
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    /** The certificate served now (the dashboard pins it for its calls of this server's API). */
    Certificate served() {
        return served;
    }

    private static Certificate leaf(KeyStore store) {
        try {
            return store.getCertificate("server");
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException("the TLS key store has no certificate: " + e.getMessage(), e);
        }
    }

    /** Serves the files anew when they changed since the last load; answers whether it did. */
    boolean reloadIfChanged() {
        String now = version();
        if (Objects.equals(now, loadedVersion)) {
            return false;
        }
        try {
            KeyStore fresh = keyStore();
            factory.reload(f -> f.setKeyStore(fresh));
            served = leaf(fresh);
            loadedVersion = now;
            LOG.info("TLS certificate reloaded from {}", certFile);
            return true;
        } catch (Exception e) {
            // a half-written renewal, usually: the next check tries again, the old pair serves meanwhile
            LOG.warn("TLS certificate not reloaded (the current one stays): {}", e.getMessage());
            return false;
        }
    }

    /** Size and modification time of both files: a renewal changes at least one of them. */
    private String version() {
        try {
            return Files.size(certFile) + "@" + Files.getLastModifiedTime(certFile).toMillis() + "/"
                    + Files.size(keyFile) + "@" + Files.getLastModifiedTime(keyFile).toMillis();
        } catch (IOException e) {
            return null;
        }
    }

    private KeyStore keyStore() {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new IllegalStateException("--tls-key " + keyFile + " does not belong to the first certificate in "
                    + certFile + " (the server's own certificate comes first, then its issuers)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("--tls-key " + keyFile + " does not belong to the certificate in "
                    + certFile + ": " + e.getMessage(), e);
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean belongTogether(PrivateKey key, Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, EdDSA
        };
        byte[] challenge = "runway: does this key belong to this certificate".getBytes(StandardCharsets.US_ASCII);
        try {
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            signer.initVerify(certificate.getPublicKey());
            signer.update(challenge);
            return signer.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<Certificate> certificates(Path file) {
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(file, "--tls-cert", "CERTIFICATE")) {
                chain.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("--tls-cert " + file + ": not a readable X.509 certificate: "
                    + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalStateException("--tls-cert " + file + ": no \"BEGIN CERTIFICATE\" block");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) {
        List<byte[]> keys = blocks(file, "--tls-key", "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new IllegalStateException("--tls-key " + file + ": expected one \"BEGIN PRIVATE KEY\" block (PKCS#8)"
                    + ", found " + keys.size() + "; convert an RSA or EC key with `openssl pkcs8 -topk8 -nocrypt`");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalStateException("--tls-key " + file + ": not an RSA, EC or Ed25519 private key");
    }

    /** The DER bytes of every PEM block of {@code type} in the file. */
    private static List<byte[]> blocks(Path file, String option, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + file + ": cannot be read", e);
        }
        List<byte[]> found = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                found.add(Base64.getMimeDecoder().decode(matcher.group(2)));
            }
        }
        return found;
    }
}
