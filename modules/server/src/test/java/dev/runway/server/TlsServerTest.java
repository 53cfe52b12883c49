package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.ProxySettings;
import dev.runway.client.TlsTrust;
import java.io.FileInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runway server --tls-cert/--tls-key}: HTTPS with PEM files (a self-signed certificate made here with keytool),
 * reached by the project's own client trusting it through SSL_CERT_FILE; a renewed certificate is served without a
 * restart; a key that does not match is refused at start.
 */
class TlsServerTest {
    @TempDir
    Path temp;

    /** A self-signed certificate for 127.0.0.1 and localhost, as PEM files: {@code NAME.crt} and {@code NAME.key}. */
    private Path[] selfSigned(String name) throws Exception {
        return selfSigned(name, "ip:127.0.0.1,dns:localhost");
    }

    /** A self-signed certificate for the subject alternative names {@code san} (keytool's -ext SAN= syntax). */
    private Path[] selfSigned(String name, String san) throws Exception {
        Path store = temp.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=" + san, "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        Path cert = temp.resolve(name + ".crt");
        Path key = temp.resolve(name + ".key");
        Files.writeString(cert, pem("CERTIFICATE", keys.getCertificate("server").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", keys.getKey("server", "changeit".toCharArray()).getEncoded()));
        return new Path[] {cert, key};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static ManagementClient client(RunwayServer server, Path trusted) {
        TlsTrust trust = TlsTrust.fromEnvironment(Map.of("SSL_CERT_FILE", trusted.toString()));
        return new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(10), ProxySettings.NONE,
                trust), server.adminToken());
    }

    /** The serial number of the certificate the server presents to a new connection. */
    private static BigInteger servedSerial(RunwayServer server) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /**
     * The dashboard calls this server's API on loopback, and the certificate names only the public host: it trusts
     * the certificate the server serves (pinned), so pages render; its cookie is Secure over TLS.
     */
    @Test
    void theDashboardReadsItsOwnApiOverTlsWhateverNameTheCertificateCarries() throws Exception {
        Path[] pair = selfSigned("public", "dns:ci.example.com");
        ServerSettings settings = new ServerSettings(temp.resolve("data"), "127.0.0.1", 0)
                .withTls(new TlsFiles(pair[0], pair[1]));
        try (RunwayServer server = RunwayServer.start(settings)) {
            java.security.cert.Certificate served;
            try (InputStream in = Files.newInputStream(pair[0])) {
                served = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            // a browser told to trust this certificate (its name is not the address it is reached at here)
            java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
                    .sslContext(TlsTrust.pinned(() -> served).context()).build();
            java.net.http.HttpResponse<String> signedIn = browser.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.uri() + "/ui/sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + server.adminToken())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
            String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("; Secure");
            java.net.http.HttpResponse<String> projects = browser.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.uri() + "/ui/projects")).header("Cookie", cookie.substring(0,
                            cookie.indexOf(';'))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(projects.statusCode()).as(projects.body()).isEqualTo(200);
            assertThat(projects.body()).contains("No projects yet");
        }
    }

    private static javax.net.ssl.SSLContext trustAll() throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return trustAll;
    }

    @Test
    void servesHttpsToAClientThatTrustsTheCertificateAndReloadsARenewedOne() throws Exception {
        Path[] first = selfSigned("first");
        Path[] second = selfSigned("second");
        Path cert = temp.resolve("server.crt");
        Path key = temp.resolve("server.key");
        Files.copy(first[0], cert);
        Files.copy(first[1], key);
        ServerSettings settings = new ServerSettings(temp.resolve("data"), "127.0.0.1", 0)
                .withTls(new TlsFiles(cert, key, Duration.ofMillis(200)));
        try (RunwayServer server = RunwayServer.start(settings)) {
            assertThat(server.uri().getScheme()).isEqualTo("https");
            client(server, first[0]).createNamespace("acme", "github/acme");
            assertThat(client(server, first[0]).listResourceClasses("acme").items()).isEmpty();
            assertThatThrownBy(() -> client(server, second[0]).listResourceClasses("acme"))
                    .as("a client that does not trust the served certificate").isInstanceOf(ApiException.class);
            BigInteger before = servedSerial(server);

            // a renewal: the files are replaced in place
            Files.copy(second[1], key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second[0], cert, StandardCopyOption.REPLACE_EXISTING);
            RunnerProtocolTest.waitUntil(() -> !servedSerial(server).equals(before));
            assertThat(client(server, second[0]).listResourceClasses("acme").items()).isEmpty();
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateOrAnUnreadableFileIsRefusedAtStart() throws Exception {
        Path[] first = selfSigned("one");
        Path[] second = selfSigned("two");
        ServerSettings base = new ServerSettings(temp.resolve("data"), "127.0.0.1", 0);
        assertThatThrownBy(() -> RunwayServer.start(base.withTls(new TlsFiles(first[0], second[1]))))
                .hasMessageContaining("--tls");
        Files.writeString(temp.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> RunwayServer.start(base.withTls(new TlsFiles(first[0], temp.resolve("rsa.key")))))
                .hasMessageContaining("--tls-key").hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> RunwayServer.start(base.withTls(new TlsFiles(first[1], first[1]))))
                .hasMessageContaining("--tls-cert").hasMessageContaining("BEGIN CERTIFICATE");
        assertThat(List.of(first[0], first[1])).allSatisfy(path -> assertThat(path).exists());
    }
}
