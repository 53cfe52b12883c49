package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https server whose certificate a private CA signed (made here with keytool): trusted once SSL_CERT_FILE or
 * SSL_CERT_DIR names that CA, on both of the transport's paths; refused otherwise.
 */
class TlsTrustTest {
    @TempDir
    static Path keys;
    private static HttpsServer server;

    @BeforeAll
    static void startServerWithPrivateCa() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Runway Test CA", "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "2", "-keystore", "server.p12");
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile",
                "server.pem", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12");
        keytool("-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve("server.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", LoopbackServer::echo);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", arguments) + ": " + output).isZero();
    }

    private static String exchangeBothWays(Map<String, String> environment) throws Exception {
        return LoopbackServer.exchangeBothWays(new HttpTransport(URI.create("https://127.0.0.1:"
                + server.getAddress().getPort()), Duration.ofSeconds(5), ProxySettings.NONE,
                TlsTrust.fromEnvironment(environment)));
    }

    @Test
    void aCaNamedBySslCertFileIsTrustedOnBothPaths() throws Exception {
        assertThat(exchangeBothWays(Map.of("SSL_CERT_FILE", keys.resolve("ca.pem").toString())))
                .isEqualTo("{\"got\":\"POST /blocking 3\"}{\"got\":\"GET /async 0\"}");
    }

    @Test
    void aCaInSslCertDirIsTrustedToo() throws Exception {
        Path directory = Files.createDirectories(keys.resolve("certs"));
        Files.copy(keys.resolve("ca.pem"), directory.resolve("company-ca.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(exchangeBothWays(Map.of("SSL_CERT_DIR", directory.toString())))
                .contains("POST /blocking 3", "GET /async 0");
    }

    @Test
    void withoutItTheServerIsRefused() {
        assertThatThrownBy(() -> exchangeBothWays(Map.of())).isInstanceOf(ApiException.class)
                .hasMessageContaining("no answer");
    }

    @Test
    void theSystemBundleIsReadWhenNothingIsNamed() {
        List<java.security.cert.Certificate> system = TlsTrust.fromEnvironment(Map.of()).systemAuthorities();
        boolean bundle = TlsTrust.SYSTEM_BUNDLES.stream().anyMatch(Files::isReadable);
        assertThat(system.isEmpty()).as("a system bundle exists here: " + bundle).isEqualTo(!bundle);
    }

    @Test
    void whatTheVariablesNameMustHoldCertificates() throws Exception {
        Path notPem = Files.writeString(keys.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> TlsTrust.fromEnvironment(Map.of("SSL_CERT_FILE", notPem.toString())).check())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SSL_CERT_FILE")
                .hasMessageContaining(notPem.toString());
        assertThatThrownBy(() -> TlsTrust.fromEnvironment(Map.of("SSL_CERT_FILE", "/nonexistent/ca.pem")).check())
                .hasMessageContaining("SSL_CERT_FILE /nonexistent/ca.pem");
        assertThatThrownBy(() -> TlsTrust.fromEnvironment(Map.of("SSL_CERT_DIR", "/nonexistent-dir")).check())
                .hasMessageContaining("SSL_CERT_DIR /nonexistent-dir");
        TlsTrust.fromEnvironment(Map.of()).check(); // nothing named: nothing to refuse
    }
}
