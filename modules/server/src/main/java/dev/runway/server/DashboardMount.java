package dev.runway.server;

import dev.runway.dashboard.Dashboard;
import dev.runway.dashboard.WebRequest;
import dev.runway.dashboard.WebResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the web dashboard ({@code /} and {@code /ui/...}, module dev.runway.dashboard) meets Jetty: the request as a
 * {@link WebRequest} (a form body of at most {@link #FORM_BODY} bytes), the answer written back, an event stream
 * written as it comes. The dashboard reads everything through this server's own API on loopback, so it starts once
 * the server listens; until then its paths answer 503.
 */
final class DashboardMount {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardMount.class);
    /** The sign-in and action forms are small. */
    static final int FORM_BODY = 16 * 1024;
    private final AuthenticationDeadline deadline;
    private volatile Dashboard dashboard;

    DashboardMount(AuthenticationDeadline deadline) {
        this.deadline = deadline;
    }

    void start(Dashboard started) {
        this.dashboard = started;
    }

    void close() {
        Dashboard current = dashboard;
        if (current != null) {
            current.close();
        }
    }

    static boolean serves(String path) {
        return Dashboard.serves(path);
    }

    /** The API token of the request's dashboard session (its cookie), if the browser is signed in. */
    java.util.Optional<String> sessionToken(Request request) {
        Dashboard current = dashboard;
        if (current == null || request.getHeaders().get(HttpHeader.COOKIE) == null) {
            return java.util.Optional.empty();
        }
        return current.sessionToken(new WebRequest(request.getMethod(), request.getHttpURI().getPath(),
                request.getHttpURI().getQuery(), headers(request), new byte[0], request.isSecure()));
    }

    void handle(Request request, Response response, Callback callback) {
        Dashboard current = dashboard;
        if (current == null) {
            write(response, callback, 503, "the dashboard starts once the server listens");
            return;
        }
        Exchange.readBody(request, FORM_BODY).thenCompose(body -> {
            WebRequest web = new WebRequest(request.getMethod(), request.getHttpURI().getPath(),
                    request.getHttpURI().getQuery(), headers(request), body, request.isSecure());
            if (current.signedIn(web)) {
                // a signed-in browser keeps its connection (and its live logs) as an authenticated client does
                deadline.authenticated(request.getConnectionMetaData().getConnection());
            }
            return current.handle(web);
        }).whenComplete((answer, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                int status = cause instanceof ApiError api ? api.status() : 500;
                write(response, callback, status, cause instanceof ApiError ? cause.getMessage() : "the page failed");
            } else if (answer.stream() != null) {
                stream(current, answer, response, callback);
            } else {
                head(response, answer);
                response.write(true, ByteBuffer.wrap(answer.body()), callback);
            }
        });
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName(), field.getValue(), (a, b) -> a + (field.getHeader() == HttpHeader.COOKIE
                    ? "; " : ", ") + b);
        }
        return headers;
    }

    private static void head(Response response, WebResponse answer) {
        response.setStatus(answer.status());
        if (answer.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        }
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    }

    /** Writes the stream's events as they come; the connection ends with the stream, or the stream with it. */
    private static void stream(Dashboard current, WebResponse answer, Response response, Callback callback) {
        head(response, answer);
        OutputStream out = Content.Sink.asOutputStream(response);
        CompletableFuture<Void> done = current.stream(answer.stream(), text -> {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        done.whenComplete((v, error) -> {
            if (error != null && !(error instanceof IOException) && !(error.getCause() instanceof IOException)) {
                LOG.debug("dashboard event stream ended: {}", error.toString());
            }
            try {
                out.close();
                callback.succeeded();
            } catch (IOException e) {
                callback.failed(e);
            }
        });
    }

    private static void write(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }
}
