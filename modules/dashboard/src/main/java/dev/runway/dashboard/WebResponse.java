package dev.runway.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's answer: a whole body, or an event stream ({@code stream} not null) that the server runs with a
 * sink writing to the connection.
 */
public record WebResponse(int status, String contentType, Map<String, String> headers, byte[] body,
        EventStream stream) {
    /** Writes a live answer (Server-Sent Events) until it ends or the browser leaves. */
    @FunctionalInterface
    public interface EventStream {
        void run(EventSink sink) throws Exception;
    }

    /** Where an event stream writes; {@link #send} flushes, and throws once the browser has gone. */
    @FunctionalInterface
    public interface EventSink {
        void send(String text) throws java.io.IOException;
    }

    static WebResponse html(int status, String html) {
        return new WebResponse(status, "text/html; charset=utf-8", securityHeaders(),
                html.getBytes(StandardCharsets.UTF_8), null);
    }

    static WebResponse redirect(String location) {
        Map<String, String> headers = securityHeaders();
        headers.put("Location", location);
        return new WebResponse(303, null, headers, new byte[0], null);
    }

    static WebResponse bytes(int status, String contentType, byte[] body, Map<String, String> extra) {
        Map<String, String> headers = securityHeaders();
        headers.putAll(extra);
        return new WebResponse(status, contentType, headers, body, null);
    }

    static WebResponse events(EventStream stream) {
        Map<String, String> headers = securityHeaders();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
        return new WebResponse(200, "text/event-stream; charset=utf-8", headers, new byte[0], stream);
    }

    /** The same answer with one more header (e.g. Set-Cookie). */
    WebResponse with(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(this.headers);
        headers.put(name, value);
        return new WebResponse(status, contentType, headers, body, stream);
    }

    /**
     * Scripts and styles of this origin only (nothing from a CDN, no inline script), no framing, no referrer that
     * would carry a path to another site, and no caching of pages that show a signed-in user's data.
     */
    private static Map<String, String> securityHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                + "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        headers.put("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with its own forms, and
        // Dashboard checks the Origin of every POST
        headers.put("Referrer-Policy", "same-origin");
        headers.put("Cache-Control", "no-store");
        return headers;
    }
}
