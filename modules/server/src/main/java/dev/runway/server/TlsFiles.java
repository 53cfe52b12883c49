package dev.runway.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS: the certificate chain and private key as PEM files, checked for a change every {@code reloadCheck} (a renewed
 * certificate is served to new connections without a restart).
 */
public record TlsFiles(Path certFile, Path keyFile, Duration reloadCheck) {
    public static final Duration DEFAULT_RELOAD_CHECK = Duration.ofSeconds(60);

    public TlsFiles {
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (reloadCheck == null || reloadCheck.toMillis() < 100) {
            throw new IllegalArgumentException("reloadCheck must be at least 100ms");
        }
    }

    public TlsFiles(Path certFile, Path keyFile) {
        this(certFile, keyFile, DEFAULT_RELOAD_CHECK);
    }
}
