package dev.runway.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities an https server's certificate is checked against: the runtime's own, plus the
 * system's, found where CircleCI's agent (Go's crypto/x509) and OpenSSL look for them. {@code SSL_CERT_FILE} names a
 * PEM bundle that replaces the system's (the first of {@link #SYSTEM_BUNDLES} that exists); {@code SSL_CERT_DIR}
 * (directories separated by ':') adds the PEM files in them. So a company CA installed with
 * {@code update-ca-certificates}, or named by SSL_CERT_FILE, is trusted without touching the runtime's keystore.
 */
public final class TlsTrust {
    /** Where distributions keep the system's bundle: Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, macOS/BSD. */
    static final List<Path> SYSTEM_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
            Path.of("/etc/ssl/ca-bundle.pem"), Path.of("/etc/ssl/cert.pem"));

    private static volatile TlsTrust fromProcessEnvironment;

    private final Path namedBundle; // SSL_CERT_FILE, or null
    private final List<Path> directories; // SSL_CERT_DIR
    private final java.util.function.Supplier<? extends Certificate> pin; // or null
    private volatile SSLContext context;

    private TlsTrust(Path namedBundle, List<Path> directories) {
        this(namedBundle, directories, null);
    }

    private TlsTrust(Path namedBundle, List<Path> directories, java.util.function.Supplier<? extends Certificate> pin) {
        this.pin = pin;
        this.namedBundle = namedBundle;
        this.directories = directories;
    }

    /** The trust of this process's environment (read once). */
    public static TlsTrust fromEnvironment() {
        TlsTrust trust = fromProcessEnvironment;
        if (trust == null) {
            trust = fromEnvironment(System.getenv());
            fromProcessEnvironment = trust;
        }
        return trust;
    }

    /**
     * Trusts only the certificate {@code current} answers at each handshake, whatever name it carries: a server
     * calling its own API on loopback ({@link PinnedCertificate}).
     */
    public static TlsTrust pinned(java.util.function.Supplier<? extends Certificate> current) {
        return new TlsTrust(null, List.of(), current);
    }

    public static TlsTrust fromEnvironment(Map<String, String> environment) {
        String file = environment.get("SSL_CERT_FILE");
        String dirs = environment.get("SSL_CERT_DIR");
        List<Path> directories = new ArrayList<>();
        if (dirs != null) {
            for (String dir : dirs.split(":")) {
                if (!dir.isBlank()) {
                    directories.add(Path.of(dir.strip()));
                }
            }
        }
        return new TlsTrust(file == null || file.isBlank() ? null : Path.of(file.strip()), List.copyOf(directories));
    }

    /**
     * The TLS context that trusts these authorities, built on first use (it reads the runtime's keystore and the
     * bundles: tens of milliseconds, which a plain-HTTP client never pays). Throws IllegalArgumentException naming
     * SSL_CERT_FILE or SSL_CERT_DIR when what they name holds no certificate that can be read.
     */
    public SSLContext context() {
        SSLContext built = context;
        if (built == null) {
            synchronized (this) {
                built = context;
                if (built == null) {
                    built = build();
                    context = built;
                }
            }
        }
        return built;
    }

    private SSLContext build() {
        if (pin != null) {
            return PinnedCertificate.context(pin);
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int alias = 0;
            for (X509Certificate runtimes : runtimeAuthorities()) {
                anchors.setCertificateEntry("runtime-" + alias++, runtimes);
            }
            for (Certificate system : systemAuthorities()) {
                anchors.setCertificateEntry("system-" + alias++, system);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] runtimeAuthorities() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }

    /**
     * Reads what SSL_CERT_FILE and SSL_CERT_DIR name, if anything, so that a mistake in them shows at start; throws
     * IllegalArgumentException naming the variable and the path.
     */
    public void check() {
        if (namedBundle != null || !directories.isEmpty()) {
            systemAuthorities();
        }
    }

    /** The bundle (SSL_CERT_FILE's, else the system's) and the files of SSL_CERT_DIR. */
    List<Certificate> systemAuthorities() {
        List<Certificate> found = new ArrayList<>();
        if (namedBundle != null) {
            Collection<? extends Certificate> named = read(namedBundle);
            if (named.isEmpty()) {
                throw new IllegalArgumentException("SSL_CERT_FILE " + namedBundle
                        + ": no PEM certificate could be read from it");
            }
            found.addAll(named);
        } else {
            for (Path bundle : SYSTEM_BUNDLES) {
                if (Files.isReadable(bundle)) {
                    found.addAll(read(bundle)); // a damaged system bundle leaves the runtime's authorities
                    break;
                }
            }
        }
        for (Path directory : directories) {
            int before = found.size();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    if (Files.isRegularFile(file)) {
                        found.addAll(read(file));
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("SSL_CERT_DIR " + directory + ": cannot be read (" + e.getMessage()
                        + ")");
            }
            if (found.size() == before) {
                throw new IllegalArgumentException("SSL_CERT_DIR " + directory + ": holds no PEM certificate");
            }
        }
        return found;
    }

    /** The certificates of a PEM file; none when it holds none or cannot be read. */
    private static Collection<? extends Certificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            return List.of();
        }
    }
}
