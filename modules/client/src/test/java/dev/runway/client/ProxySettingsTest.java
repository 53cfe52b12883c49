package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment's proxy variables, read as CircleCI's Go agent and curl read them. */
class ProxySettingsTest {
    private static String via(ProxySettings settings, String uri) {
        Proxy proxy = settings.proxyFor(URI.create(uri));
        if (proxy == Proxy.NO_PROXY) {
            return "direct";
        }
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        return address.getHostString() + ":" + address.getPort();
    }

    @Test
    void noVariablesMeansNoProxyAndTheJdksOwnSelection() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("NO_PROXY", "example.com"));
        assertThat(settings.isSet()).isFalse();
        assertThat(via(settings, "https://runway.example.org")).isEqualTo("direct");
    }

    @Test
    void eachSchemeTakesItsOwnVariableUpperCaseFirst() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "http://secure.proxy:3128",
                "https_proxy", "http://ignored:1", "http_proxy", "plain.proxy"));
        assertThat(via(settings, "https://runway.example.org/api")).isEqualTo("secure.proxy:3128");
        assertThat(via(settings, "http://runway.example.org:8080/api")).isEqualTo("plain.proxy:80");
        assertThat(ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1")).proxyFor(
                URI.create("https://runway.example.org"))).isEqualTo(Proxy.NO_PROXY);
    }

    @Test
    void loopbackAndLocalhostAlwaysGoDirect() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "proxy:3128",
                "HTTP_PROXY", "proxy:3128"));
        assertThat(via(settings, "http://localhost:8080")).isEqualTo("direct");
        assertThat(via(settings, "http://127.0.0.1:8080")).isEqualTo("direct");
        assertThat(via(settings, "http://127.9.9.9")).isEqualTo("direct");
        assertThat(via(settings, "http://[::1]:8080")).isEqualTo("direct");
        assertThat(via(settings, "http://128.0.0.1")).isEqualTo("proxy:3128");
    }

    @Test
    void noProxyTakesNamesSubdomainsPortsAddressesAndRanges() {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY",
                " example.com, .internal ,*.corp.net, build.local:8443, 10.0.0.0/8, 192.168.1.7, [fd00::1], Upper.Org"));
        assertThat(via(settings, "https://example.com")).isEqualTo("direct");
        assertThat(via(settings, "https://ci.example.com")).isEqualTo("direct");
        assertThat(via(settings, "https://notexample.com")).isEqualTo("proxy:3128");
        assertThat(via(settings, "https://internal")).as(".internal: subdomains only").isEqualTo("proxy:3128");
        assertThat(via(settings, "https://a.internal")).isEqualTo("direct");
        assertThat(via(settings, "https://corp.net")).isEqualTo("proxy:3128");
        assertThat(via(settings, "https://git.corp.net")).isEqualTo("direct");
        assertThat(via(settings, "https://build.local:8443")).isEqualTo("direct");
        assertThat(via(settings, "https://build.local")).as("another port").isEqualTo("proxy:3128");
        assertThat(via(settings, "https://10.20.30.40")).isEqualTo("direct");
        assertThat(via(settings, "https://11.0.0.1")).isEqualTo("proxy:3128");
        assertThat(via(settings, "https://192.168.1.7")).isEqualTo("direct");
        assertThat(via(settings, "https://192.168.1.8")).isEqualTo("proxy:3128");
        assertThat(via(settings, "https://[fd00::1]")).isEqualTo("direct");
        assertThat(via(settings, "https://upper.org")).isEqualTo("direct");
        assertThat(via(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "proxy:3128", "no_proxy", "*")),
                "https://anything.example")).isEqualTo("direct");
    }

    @Test
    void credentialsAnswerOnlyTheirProxysChallenge() throws Exception {
        ProxySettings settings = ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY",
                "http://runner:p%40ss+word@proxy.corp:3128"));
        assertThat(settings.hasCredentials()).isTrue();
        PasswordAuthentication answer = settings.authenticator().requestPasswordAuthenticationInstance("proxy.corp",
                null, 3128, "http", "realm", "basic", null, java.net.Authenticator.RequestorType.PROXY);
        assertThat(answer.getUserName()).isEqualTo("runner");
        assertThat(new String(answer.getPassword())).isEqualTo("p@ss+word");
        assertThat(settings.authenticator().requestPasswordAuthenticationInstance("proxy.corp", null, 3128, "http",
                "realm", "basic", null, java.net.Authenticator.RequestorType.SERVER)).as("a server's challenge")
                .isNull();
        assertThat(settings.authenticator().requestPasswordAuthenticationInstance("elsewhere", null, 3128, "http",
                "realm", "basic", null, java.net.Authenticator.RequestorType.PROXY)).as("another proxy").isNull();
        assertThat(ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY", "proxy:1")).authenticator()).isNull();
    }

    @Test
    void anUnusableProxyIsRefusedByVariableWithoutQuotingCredentials() {
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTPS_PROXY",
                "socks5://user:hunter22@proxy:1080")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS_PROXY").hasMessageContaining("socks5")
                .hasMessageNotContaining("hunter22");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("http_proxy", "http://user:hunter22@:3128")))
                .hasMessageContaining("http_proxy").hasMessageNotContaining("hunter22");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "http://u:hunter22@pr oxy:1")))
                .hasMessageContaining("HTTP_PROXY").hasMessageNotContaining("hunter22");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "proxy:1", "NO_PROXY",
                "10.0.0.0/40"))).hasMessageContaining("NO_PROXY").hasMessageContaining("10.0.0.0/40");
        assertThatThrownBy(() -> ProxySettings.fromEnvironment(Map.of("HTTP_PROXY", "proxy:1", "NO_PROXY",
                "host:port"))).hasMessageContaining("NO_PROXY").hasMessageContaining("host:port");
    }
}
