package dev.runway.client;

import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with retries. Shared by every client of the API. The bearer token is a header only: it never
 * reaches a URL, a log line or an exception message.
 */
public final class HttpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private final HttpClient http;
    private final URI baseUri;
    private final Duration requestTimeout;

    public HttpTransport(URI baseUri, Duration requestTimeout) {
        this.baseUri = stripTrailingSlash(baseUri);
        this.requestTimeout = requestTimeout;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1);
        if ("http".equalsIgnoreCase(this.baseUri.getScheme())) {
            // The default TLS context reads the JDK's whole trust store when the client is built: a third of a task
            // agent's start, for a server that speaks plain HTTP. No redirect is followed, so TLS is never used here;
            // should it be, this context refuses it. Given parameters spare the client asking the context for them.
            builder.sslContext(TrustNothing.CONTEXT).sslParameters(new javax.net.ssl.SSLParameters());
        }
        this.http = builder.build();
    }

    /** The TLS context of the underlying client (tests: plain-HTTP transports never read the trust store). */
    javax.net.ssl.SSLContext tlsContext() {
        return http.sslContext();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** A request to {@code pathAndQuery} (starting with '/'), without body. */
    public HttpRequest.Builder request(String pathAndQuery, String authHeader, String authValue) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUri + pathAndQuery))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .header("User-Agent", "runway");
        if (authValue != null) {
            builder.header(authHeader, authHeader.equals("Authorization") ? "Bearer " + authValue : authValue);
        }
        return builder;
    }

    public static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofByteArray(Json.write(body));
    }

    /**
     * Sends the request built by {@code request} (called again for each attempt) until it succeeds, fails with a
     * status that is not worth retrying, or the policy's time is up. Answers the successful response.
     */
    public HttpResponse<byte[]> send(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout)
            throws ApiException, InterruptedException {
        return exchange(request, policy, extraTimeout, null).response();
    }

    /**
     * As {@link #send}, and reads the answer as {@code type}. A 2xx answer that cannot be read (truncated, garbage)
     * counts as no answer and is retried like one: every call of the protocol is idempotent, so asking again is
     * safe, and a proxy that mangled one answer must not fail a task. A 204 reads as null.
     */
    public <T> T sendForJson(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout,
            Class<T> type) throws ApiException, InterruptedException {
        return type.cast(exchange(request, policy, extraTimeout, type).value());
    }

    private record Exchange(HttpResponse<byte[]> response, Object value) {}

    private Exchange exchange(Supplier<HttpRequest> request, RetryPolicy policy, Duration extraTimeout,
            Class<?> type) throws ApiException, InterruptedException {
        Instant deadline = Instant.now().plus(policy.maxElapsed());
        for (int attempt = 0; ; attempt++) {
            ApiException failure;
            HttpRequest req = request.get();
            if (!extraTimeout.isZero()) {
                req = HttpRequest.newBuilder(req, (n, v) -> true).timeout(requestTimeout.plus(extraTimeout)).build();
            }
            try {
                HttpResponse<byte[]> response = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() >= 400) {
                    failure = toException(req, response);
                } else if (type == null || response.statusCode() == 204) {
                    return new Exchange(response, null);
                } else {
                    try {
                        return new Exchange(response, Json.read(response.body(), type));
                    } catch (IOException unreadable) {
                        // The parser's message is left out: it may quote the body, and a body may hold a token.
                        failure = new ApiException(0, req.method() + " " + req.uri().getPath()
                                + ": unreadable answer (HTTP " + response.statusCode() + ", "
                                + response.body().length + " bytes)", null, null, null);
                    }
                }
            } catch (IOException e) {
                failure = new ApiException(0, req.method() + " " + req.uri().getPath() + ": no answer from "
                        + baseUri + " (" + describe(e) + ")", null, null, e);
            }
            if (!failure.retryable()) {
                throw failure;
            }
            Duration pause = policy.delay(attempt, failure.retryAfter().orElse(null));
            if (Instant.now().plus(pause).isAfter(deadline)) {
                throw failure;
            }
            LOG.debug("{}; retrying in {} ms", failure.getMessage(), pause.toMillis());
            Thread.sleep(pause.toMillis());
        }
    }

    private static ApiException toException(HttpRequest req, HttpResponse<byte[]> response) {
        String message = serverMessage(response.body());
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(HttpTransport::seconds)
                .orElse(null);
        return new ApiException(response.statusCode(), req.method() + " " + req.uri().getPath() + ": HTTP "
                + response.statusCode() + (message.isEmpty() ? "" : ": " + message), retryAfter, response.body(),
                null);
    }

    private static String serverMessage(byte[] body) {
        try {
            RunnerApi.ErrorBody error = Json.mapper().readerFor(RunnerApi.ErrorBody.class)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(body);
            return error.message() == null ? "" : error.message();
        } catch (IOException | RuntimeException e) {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static URI stripTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }
}
