package dev.runway.server;

import dev.runway.protocol.RunnerApi.ErrorBody;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer with an error status; {@code body} is what the client gets ({@code {"message": ...}} by default). */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Object body;
    private final transient Map<String, String> headers;

    ApiError(int status, String message) {
        this(status, message, new ErrorBody(message));
    }

    ApiError(int status, String message, Object body) {
        this(status, message, body, Map.of());
    }

    private ApiError(int status, String message, Object body, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    /** This error with one more header in its answer (e.g. Retry-After). */
    ApiError withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiError(status, getMessage(), body, Map.copyOf(more));
    }

    Map<String, String> headers() {
        return headers;
    }

    int status() {
        return status;
    }

    Object body() {
        return body;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
