package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class TrustNothingTest {

    @Test
    void plainHttpTransportsTrustNoCertificate() throws Exception {
        HttpTransport plain = new HttpTransport(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1));
        assertThat(plain.tlsContext()).isSameAs(TrustNothing.CONTEXT);
        TrustNothing manager = trustManager();
        assertThatThrownBy(() -> manager.checkServerTrusted(new X509Certificate[0], "RSA"))
                .isInstanceOf(CertificateException.class);
        assertThat(manager.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void httpsTransportsKeepTheRuntimesTrustStore() throws Exception {
        HttpTransport tls = new HttpTransport(URI.create("https://runway.example"), Duration.ofSeconds(1));
        assertThat(tls.tlsContext()).isNotSameAs(TrustNothing.CONTEXT).isSameAs(SSLContext.getDefault());
    }

    private static TrustNothing trustManager() throws Exception {
        var constructor = TrustNothing.class.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }
}
