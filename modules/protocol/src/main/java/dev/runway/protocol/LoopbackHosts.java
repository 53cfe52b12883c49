package dev.runway.protocol;

/**
 * Whether a host (an address or a name, as in a URL or a listen address) is this machine's loopback: plain HTTP is
 * fine there and nowhere else. Decided from the text alone, without a DNS lookup.
 */
public final class LoopbackHosts {
    private LoopbackHosts() {}

    public static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1")
                || bare.equals("0:0:0:0:0:0:0:1");
    }
}
