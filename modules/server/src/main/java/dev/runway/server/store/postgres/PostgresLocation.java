package dev.runway.server.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the database is: {@code postgresql://HOST[:PORT]/DATABASE?user=NAME[&sslmode=...]} (a {@code jdbc:} prefix
 * is accepted). The password never travels in it: a URL lands in argv, process lists and logs.
 */
public record PostgresLocation(String host, int port, String database, String user, Map<String, String> parameters) {
    public PostgresLocation {
        parameters = Map.copyOf(parameters);
    }

    /** Parses a database URL; every problem names the part of the URL at fault. */
    public static PostgresLocation parse(String url) {
        String text = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("database URL: not a URL (" + e.getReason() + "); expected "
                    + "postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        if (!"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException("database URL: scheme \"" + uri.getScheme() + "\" is not postgresql;"
                    + " expected postgresql://HOST[:PORT]/DATABASE?user=NAME");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("database URL: no user or password before the host; give ?user=NAME,"
                    + " and the password in a file (--database-password-file) or $RUNWAY_DATABASE_PASSWORD");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("database URL: no host; expected postgresql://HOST[:PORT]/DATABASE");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("database URL: the path must be one database name, e.g. /runway");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equalsIgnoreCase("password")) {
                    throw new IllegalArgumentException("database URL: parameter password is refused (a URL ends up in"
                            + " argv and logs); give it in a file (--database-password-file) or"
                            + " $RUNWAY_DATABASE_PASSWORD");
                }
                parameters.put(name, value);
            }
        }
        String user = parameters.remove("user");
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("database URL: parameter user is missing, e.g. ?user=runway");
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new PostgresLocation(uri.getHost(), port, database, user, parameters);
    }

    /** The URL again (it never holds a password). */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("postgresql://").append(host).append(':').append(port).append('/')
                .append(database).append("?user=").append(user);
        parameters.forEach((name, value) -> text.append('&').append(name).append('=').append(value));
        return text.toString();
    }
}
