package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class TrustNothingTest {

    @Test
    void plainHttpTransportsRefuseTls() {
        HttpTransport plain = new HttpTransport(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1));
        assertThat(plain.tlsContext()).isSameAs(TrustNothing.CONTEXT);
        assertThatThrownBy(() -> TrustNothing.CONTEXT.createSSLEngine("runway.example", 443))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("plain HTTP only");
        assertThatThrownBy(() -> TrustNothing.CONTEXT.getSocketFactory())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> TrustNothing.CONTEXT.init(null, null, null))
                .hasMessageContaining("plain HTTP only");
    }

    @Test
    void httpsTransportsTrustTheRuntimesAndTheSystemsAuthorities() throws Exception {
        HttpTransport tls = new HttpTransport(URI.create("https://runway.example"), Duration.ofSeconds(1));
        assertThat(tls.tlsContext()).isSameAs(TlsTrust.fromEnvironment().context())
                .isNotSameAs(SSLContext.getDefault());
    }
}
