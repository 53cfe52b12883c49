package dev.runway.dashboard;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One browser request as the server hands it over: method, path, raw query, headers (names lower-case), the body
 * (an HTML form's, bounded by the server) and whether it came over TLS.
 */
public record WebRequest(String method, String path, String rawQuery, Map<String, String> headers, byte[] body,
        boolean secure) {
    public WebRequest {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        headers = Map.copyOf(lower);
        body = body == null ? new byte[0] : body;
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /** A header, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** A query parameter (decoded), or null. */
    public String query(String name) {
        return urlEncoded(rawQuery).get(name);
    }

    /** A field of the {@code application/x-www-form-urlencoded} body, or null. */
    public String form(String name) {
        return urlEncoded(new String(body, StandardCharsets.UTF_8)).get(name);
    }

    /** A cookie's value, or null. */
    public String cookie(String name) {
        String cookies = header("cookie");
        if (cookies == null) {
            return null;
        }
        for (String pair : cookies.split(";")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                return pair.substring(equals + 1).strip();
            }
        }
        return null;
    }

    static Map<String, String> urlEncoded(String text) {
        Map<String, String> values = new HashMap<>();
        if (text.isEmpty()) {
            return values;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the field is as good as absent
            }
        }
        return values;
    }
}
