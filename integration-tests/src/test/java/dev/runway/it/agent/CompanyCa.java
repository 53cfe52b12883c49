package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A private CA and a server certificate it signed for 127.0.0.1, made with the JDK's keytool; ca.pem is the CA. */
final class CompanyCa {
    private static final String PASSWORD = "changeit";

    private CompanyCa() {}

    /** Writes ca.pem and server.p12 into {@code keys} and answers a server TLS context with that certificate. */
    static SSLContext serverContext(Path keys) throws Exception {
        String[][] steps = {
            {"-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Company CA", "-ext", "bc:c",
                "-keystore", "ca.p12", "-validity", "2"},
            {"-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem"},
            {"-genkeypair", "-alias", "front", "-keyalg", "EC", "-dname", "CN=runway front", "-keystore",
                "server.p12", "-validity", "2"},
            {"-certreq", "-alias", "front", "-keystore", "server.p12", "-file", "front.csr"},
            {"-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "front.csr", "-outfile",
                "front.pem", "-ext", "SAN=ip:127.0.0.1", "-validity", "2"},
            {"-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12"},
            {"-importcert", "-alias", "front", "-file", "front.pem", "-keystore", "server.p12"},
        };
        for (String[] step : steps) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(step));
            command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
            Process keytool = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as(output).isTrue();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve("server.p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        return tls;
    }
}
