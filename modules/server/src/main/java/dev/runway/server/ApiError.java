package dev.runway.server;

import dev.runway.protocol.RunnerApi.ErrorBody;

/** An answer with an error status; {@code body} is what the client gets ({@code {"message": ...}} by default). */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Object body;

    ApiError(int status, String message) {
        this(status, message, new ErrorBody(message));
    }

    ApiError(int status, String message, Object body) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
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
