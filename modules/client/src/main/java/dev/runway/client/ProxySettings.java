package dev.runway.client;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxies the environment names, read as CircleCI's agent (a Go program) and curl read them: {@code HTTPS_PROXY}
 * for https URLs, {@code HTTP_PROXY} for http ones, {@code NO_PROXY} for the hosts reached directly; each in upper
 * or lower case, the upper-case one first. localhost and loopback addresses are always reached directly.
 *
 * <p>A proxy is {@code [http://][user:password@]host[:port]} (port 80 by default). Credentials answer the proxy's
 * Basic challenge and never appear in a message. {@code NO_PROXY} takes {@code *}, host names (a name also covers
 * its subdomains; {@code .example.com} covers only the subdomains), {@code host:port}, IP addresses and CIDR ranges.
 */
public final class ProxySettings extends ProxySelector {
    /** No proxy: every host directly. */
    public static final ProxySettings NONE = new ProxySettings(null, null, List.of(), false);

    private static volatile ProxySettings fromProcessEnvironment;

    private final Endpoint http;
    private final Endpoint https;
    private final List<NoProxyRule> direct;
    private final boolean everythingDirect;
    private final Authenticator authenticator;

    private ProxySettings(Endpoint http, Endpoint https, List<NoProxyRule> direct, boolean everythingDirect) {
        this.http = http;
        this.https = https;
        this.direct = direct;
        this.everythingDirect = everythingDirect;
        this.authenticator = hasCredentials() ? new ProxyAuthenticator() : null;
        if (authenticator != null) {
            // The JDK answers a proxy's Basic challenge only once these are cleared. It reads them when its HTTP
            // classes load, which is later: settings are read before any transport exists.
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
            System.setProperty("jdk.http.auth.proxying.disabledSchemes", "");
        }
    }

    /** The proxy of one scheme: where it listens and, if it asks, who we are. */
    private record Endpoint(String variable, String host, int port, String user, char[] password) {
        Proxy proxy() {
            return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
        }
    }

    /** The settings of this process's environment (read once). */
    public static ProxySettings fromEnvironment() {
        ProxySettings settings = fromProcessEnvironment;
        if (settings == null) {
            settings = fromEnvironment(System.getenv());
            fromProcessEnvironment = settings;
        }
        return settings;
    }

    /**
     * The settings {@code environment} names. Throws IllegalArgumentException naming the variable (never quoting
     * credentials) when a proxy cannot be used.
     */
    public static ProxySettings fromEnvironment(Map<String, String> environment) {
        String[] httpVariable = first(environment, "HTTP_PROXY", "http_proxy");
        String[] httpsVariable = first(environment, "HTTPS_PROXY", "https_proxy");
        if (httpVariable == null && httpsVariable == null) {
            return NONE;
        }
        Endpoint http = httpVariable == null ? null : endpoint(httpVariable[0], httpVariable[1]);
        Endpoint https = httpsVariable == null ? null : endpoint(httpsVariable[0], httpsVariable[1]);
        String[] noProxy = first(environment, "NO_PROXY", "no_proxy");
        List<NoProxyRule> direct = new ArrayList<>();
        boolean everything = false;
        if (noProxy != null) {
            for (String entry : noProxy[1].split(",")) {
                String rule = entry.strip().toLowerCase(Locale.ROOT);
                if (rule.equals("*")) {
                    everything = true;
                } else if (!rule.isEmpty()) {
                    direct.add(NoProxyRule.parse(noProxy[0], rule));
                }
            }
        }
        return new ProxySettings(http, https, List.copyOf(direct), everything);
    }

    /** Whether any proxy is set (otherwise the JDK's own selection, system properties included, applies). */
    public boolean isSet() {
        return http != null || https != null;
    }

    /** The proxy for {@code uri}: {@link Proxy#NO_PROXY} when it goes directly. */
    public Proxy proxyFor(URI uri) {
        Endpoint endpoint = endpointFor(uri);
        return endpoint == null ? Proxy.NO_PROXY : endpoint.proxy();
    }

    private Endpoint endpointFor(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Endpoint endpoint = scheme.equals("https") ? https : scheme.equals("http") ? http : null;
        if (endpoint == null || everythingDirect || uri.getHost() == null) {
            return null;
        }
        String host = bare(uri.getHost().toLowerCase(Locale.ROOT));
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (isLoopback(host)) {
            return null;
        }
        for (NoProxyRule rule : direct) {
            if (rule.matches(host, port)) {
                return null;
            }
        }
        return endpoint;
    }

    /** How requests to {@code uri} go, for a log line: "directly" or "through proxy HOST:PORT (VARIABLE)". */
    public String route(URI uri) {
        Endpoint endpoint = endpointFor(uri);
        return endpoint == null ? "directly"
                : "through proxy " + endpoint.host + ":" + endpoint.port + " (" + endpoint.variable + ")";
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("no URI");
        }
        // java.net.http asks with the scheme of the connection; a CONNECT tunnel for https shows as "https"
        return List.of(proxyFor(uri));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // nothing to fall back on: the caller's retries report it
    }

    /** Answers a proxy's challenge with the credentials of that proxy's variable; null when none has any. */
    public Authenticator authenticator() {
        return authenticator;
    }

    private final class ProxyAuthenticator extends Authenticator {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            for (Endpoint endpoint : new Endpoint[] {https, http}) {
                if (endpoint != null && endpoint.user != null && endpoint.host.equalsIgnoreCase(getRequestingHost())
                        && endpoint.port == getRequestingPort()) {
                    return new PasswordAuthentication(endpoint.user, endpoint.password.clone());
                }
            }
            return null;
        }
    }

    /**
     * The Basic Proxy-Authorization value for a plain-HTTP request to {@code uri} through a proxy with credentials;
     * empty for https (its tunnel is authorised when the proxy asks) and for direct requests.
     */
    java.util.Optional<String> preemptiveAuthorization(URI uri) {
        Endpoint endpoint = endpointFor(uri);
        if (endpoint == null || endpoint.user == null || !"http".equalsIgnoreCase(uri.getScheme())) {
            return java.util.Optional.empty();
        }
        byte[] credentials = (endpoint.user + ":" + new String(endpoint.password)).getBytes(StandardCharsets.UTF_8);
        return java.util.Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString(credentials));
    }

    /** Whether a proxy variable holds a password: then the JDK must be allowed to answer with Basic. */
    boolean hasCredentials() {
        return (http != null && http.user != null) || (https != null && https.user != null);
    }

    private static String[] first(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return new String[] {name, value.strip()};
            }
        }
        return null;
    }

    private static Endpoint endpoint(String variable, String value) {
        String text = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(variable + " is not a proxy URL ([http://][user:password@]host[:port]):"
                    + " " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException(variable + ": " + scheme + "://" + " proxies are not supported; give an"
                    + " http:// proxy (it still carries https traffic, through CONNECT)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(variable + " names no proxy host ([http://][user:password@]host[:port])");
        }
        String user = null;
        char[] password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = percentDecoded(parts[0]);
            password = (parts.length > 1 ? percentDecoded(parts[1]) : "").toCharArray();
        }
        return new Endpoint(variable, bare(uri.getHost()), uri.getPort() >= 0 ? uri.getPort() : 80, user, password);
    }

    /** %XX escapes decoded; a '+' stays a '+' (URLDecoder alone would make it a space). */
    private static String percentDecoded(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        byte[] address = NoProxyRule.ipLiteral(host);
        return address != null && (address.length == 4 ? address[0] == 127 : isIpv6Loopback(address));
    }

    private static boolean isIpv6Loopback(byte[] address) {
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 1;
    }

    /** One entry of NO_PROXY. */
    private record NoProxyRule(String domain, boolean subdomainsOnly, int port, byte[] network, int prefixBits) {
        static NoProxyRule parse(String variable, String rule) {
            int slash = rule.indexOf('/');
            if (slash > 0) {
                byte[] network = ipLiteral(rule.substring(0, slash));
                int bits;
                try {
                    bits = Integer.parseInt(rule.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (network == null || bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException(variable + ": " + rule + " is not a CIDR range (as 10.0.0.0/8)");
                }
                return new NoProxyRule(null, false, -1, network, bits);
            }
            byte[] address = ipLiteral(bare(rule));
            if (address != null) {
                return new NoProxyRule(null, false, -1, address, address.length * 8);
            }
            String host = rule;
            int port = -1;
            int colon = rule.lastIndexOf(':');
            if (colon > 0 && !rule.endsWith("]")) {
                try {
                    port = Integer.parseInt(rule.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(variable + ": " + rule + " has a port that is not a number");
                }
                host = rule.substring(0, colon);
            }
            address = ipLiteral(bare(host));
            if (address != null) {
                return new NoProxyRule(null, false, port, address, address.length * 8);
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean subdomainsOnly = host.startsWith(".");
            return new NoProxyRule(subdomainsOnly ? host.substring(1) : host, subdomainsOnly, port, null, 0);
        }

        boolean matches(String host, int hostPort) {
            if (port >= 0 && port != hostPort) {
                return false;
            }
            if (network != null) {
                byte[] address = ipLiteral(host);
                return address != null && address.length == network.length && inNetwork(address);
            }
            if (host.equals(domain)) {
                return !subdomainsOnly;
            }
            return host.endsWith("." + domain);
        }

        private boolean inNetwork(byte[] address) {
            for (int bit = 0; bit < prefixBits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** The bytes of an IPv4 or IPv6 literal, without asking any resolver; null for a host name. */
        static byte[] ipLiteral(String text) {
            if (text.isEmpty()) {
                return null;
            }
            if (text.indexOf(':') < 0) {
                return ipv4(text);
            }
            if (!text.matches("[0-9a-fA-F:.]+")) {
                return null;
            }
            try {
                // with a ':' in it, the JDK reads the text as an IPv6 literal and never asks a resolver
                return java.net.InetAddress.getByName(text).getAddress();
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }

        private static byte[] ipv4(String text) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!parts[i].matches("\\d{1,3}") || Integer.parseInt(parts[i]) > 255) {
                    return null;
                }
                address[i] = (byte) Integer.parseInt(parts[i]);
            }
            return address;
        }
    }
}
