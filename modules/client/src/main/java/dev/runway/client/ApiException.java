package dev.runway.client;

import java.io.IOException;
import java.util.Optional;
import java.time.Duration;

/**
 * The server answered with an error status. {@code status} 0 means no answer at all (connection refused, timeout).
 * Messages never carry a token.
 */
public class ApiException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Duration retryAfter;
    private final transient byte[] body;

    public ApiException(int status, String message, Duration retryAfter, byte[] body, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
        this.body = body == null ? new byte[0] : body;
    }

    public int status() {
        return status;
    }

    /** The server's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public byte[] body() {
        return body.clone();
    }

    /** Worth another try: no answer, 408, 429 or 5xx (but 507: a full disk does not empty itself). */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500 && status != 507;
    }
}
