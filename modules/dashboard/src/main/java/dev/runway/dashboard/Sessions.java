package dev.runway.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in browsers: a random session id (the cookie) -> the API token it signed in with and its CSRF token. Kept in
 * memory only, so a token is never written anywhere by the dashboard; a server restart signs everyone out. A session
 * unused for {@link #IDLE_MILLIS} ends; past {@link #MAX_SESSIONS} the least recently used one ends.
 */
final class Sessions {
    static final String COOKIE = "runway_session";
    static final long IDLE_MILLIS = 8 * 3600_000L;
    static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    /** A signed-in browser: the token its pages call the API with, and the CSRF token its forms must echo. */
    static final class Session {
        final String token;
        final String csrf;
        volatile long lastUsed;

        Session(String token, String csrf, long lastUsed) {
            this.token = token;
            this.csrf = csrf;
            this.lastUsed = lastUsed;
        }

        /** Whether {@code presented} is this session's CSRF token (compared in constant time). */
        boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a session for {@code token}; answers its id (the cookie's value). */
    String create(String token) {
        long now = clock.millis();
        sessions.values().removeIf(session -> now - session.lastUsed > IDLE_MILLIS);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Comparator.comparingLong(entry -> entry.getValue().lastUsed))
                    .ifPresent(oldest -> sessions.remove(oldest.getKey()));
        }
        String id = random();
        sessions.put(id, new Session(token, random(), now));
        return id;
    }

    /** The live session of the request's cookie. */
    Optional<Session> find(WebRequest request) {
        String id = request.cookie(COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        long now = clock.millis();
        if (session == null || now - session.lastUsed > IDLE_MILLIS) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastUsed = now;
        return Optional.of(session);
    }

    void end(WebRequest request) {
        String id = request.cookie(COOKIE);
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** The Set-Cookie value of a session: not readable by scripts, never sent cross-site, Secure over TLS. */
    static String cookie(String id, boolean secure) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie value that removes the session cookie. */
    static String expired(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
