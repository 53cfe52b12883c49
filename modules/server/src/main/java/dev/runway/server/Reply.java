package dev.runway.server;

import dev.runway.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to write. {@code onLost} runs when the answer could not be delivered (the client went away), e.g. to
 * give back a task that was claimed for it.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers, Runnable onLost,
        java.nio.channels.SeekableByteChannel stream, long streamLength) {
    Reply(int status, String contentType, byte[] body, Map<String, String> headers, Runnable onLost) {
        this(status, contentType, body, headers, onLost, null, -1);
    }

    /** The first {@code length} bytes of {@code stream} (closed once written or when the client left), streamed. */
    static Reply stream(java.nio.channels.SeekableByteChannel stream, long length, Map<String, String> headers) {
        return new Reply(200, "application/octet-stream", new byte[0], new LinkedHashMap<>(headers), null, stream,
                length);
    }

    static Reply json(int status, Object value) {
        return new Reply(status, "application/json", Json.write(value), Map.of(), null);
    }

    static Reply ok(Object value) {
        return json(200, value);
    }

    static Reply noContent() {
        return new Reply(204, null, new byte[0], Map.of(), null);
    }

    static Reply bytes(byte[] body, Map<String, String> headers) {
        return new Reply(200, "application/octet-stream", body, new LinkedHashMap<>(headers), null);
    }

    Reply withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new Reply(status, contentType, body, all, onLost, stream, streamLength);
    }

    Reply onLost(Runnable action) {
        return new Reply(status, contentType, body, headers, action, stream, streamLength);
    }
}
