package dev.runway.server;

import dev.runway.protocol.RunnerApi.ErrorBody;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.store.StoreRefusal;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one Jetty handler: routes, turns errors into {@code {"message": ...}} answers, writes replies. */
final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /** The buffer a streamed answer (a blob) is read into and written from. */
    private static final int STREAM_CHUNK = 256 * 1024;
    /**
     * Direct buffers of that one size, kept for the next streamed answer (the server's own pool keeps none above
     * 64 KiB, so each download would allocate one): it holds as many as were ever in use at once.
     */
    private static final ByteBufferPool STREAM_BUFFERS = new ArrayByteBufferPool(STREAM_CHUNK, STREAM_CHUNK,
            STREAM_CHUNK);
    private final Router router;
    private final Auth auth;
    private final AuthenticationDeadline deadline;
    private final RateLimiter rates;
    private final Clock clock;
    private final DashboardMount dashboard;
    private final ServerMetrics metrics;
    private final Transfers transfers;

    ApiHandler(Router router, Auth auth, AuthenticationDeadline deadline, RateLimiter rates, Clock clock,
            DashboardMount dashboard, ServerMetrics metrics, Transfers transfers) {
        this.transfers = transfers;
        this.dashboard = dashboard;
        this.metrics = metrics;
        this.router = router;
        this.auth = auth;
        this.deadline = deadline;
        this.rates = rates;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (DashboardMount.serves(request.getHttpURI().getPath())) {
            dashboard.handle(request, response, callback);
            return true;
        }
        long start = System.nanoTime();
        CompletableFuture<Reply> reply;
        String[] route = {"unmatched"};
        try {
            Router.Match match = router.match(request.getMethod(), request.getHttpURI().getPath());
            route[0] = match.template();
            String browser = browserToken(request, match);
            if (match.access() == Router.Access.OWN_CREDENTIAL) {
                Runnable stream = match.streamed().open(new Exchange(request, match.parameters(), null), request,
                        response, callback);
                deadline.authenticated(request.getConnectionMetaData().getConnection());
                // blocking reads and writes of a child process: on a transfer thread, never a request thread's
                transfers.execute(stream);
                metrics.answered(request.getMethod(), route[0], 200, System.nanoTime() - start);
                return true;
            }
            // a body is read only for a known token: a client without one gets its 401 before any byte of it (a
            // webhook, which has no token, checks its body's signature instead; a probe needs none)
            if (match.access() != Router.Access.SIGNED_BODY && match.access() != Router.Access.OPEN) {
                String tokenHash = auth.requireKnownToken(new Exchange(request, match.parameters(), null, browser));
                deadline.authenticated(request.getConnectionMetaData().getConnection());
                if (match.access() == Router.Access.LIMITED_TOKEN) {
                    rates.acquire(tokenHash, clock.millis());
                }
            }
            Executor executor = request.getComponents().getExecutor();
            if (match.access() == Router.Access.STREAMED) {
                // a blob's body or answer flows for as long as the client's network takes: a transfer thread
                reply = CompletableFuture.supplyAsync(() -> new Exchange(request, match.parameters(), null, browser),
                        transfers)
                        .thenCompose(exchange -> match.action().handle(exchange));
                reply.whenComplete((answer, error) -> write(request, response, callback,
                        error == null ? answer : errorReply(request, error)));
                return true;
            }
            // the route runs once its body is in, on a pool thread: no Jetty thread ever waits for bytes
            reply = Exchange.readBody(request, Limits.LARGEST_BODY).thenComposeAsync(
                    body -> match.action().handle(new Exchange(request, match.parameters(), body, browser)), executor);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((answer, error) -> {
            Reply written = error == null ? answer : errorReply(request, error);
            metrics.answered(request.getMethod(), route[0], written.status(), System.nanoTime() - start);
            write(request, response, callback, written);
        });
        return true;
    }

    /**
     * A signed-in dashboard's session token, for a GET of an artifact's download route that carries no token of its
     * own: a link in a page cannot send a header. Only there: every other route needs a token the client presents.
     */
    private String browserToken(Request request, Router.Match match) {
        if (!request.getMethod().equals("GET") || !match.template().endsWith("/artifacts/{node-index}")
                || request.getHeaders().get("Authorization") != null
                || request.getHeaders().get("Circle-Token") != null) {
            return null;
        }
        return dashboard.sessionToken(request).orElse(null);
    }

    private static Reply errorReply(Request request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiError) {
            ApiError api = (ApiError) cause;
            return Reply.json(api.status(), api.body()).withHeaders(api.headers());
        }
        if (cause instanceof StoreRefusal) {
            StoreRefusal refusal = (StoreRefusal) cause;
            return Reply.json(status(refusal.reason()), new ErrorBody(refusal.getMessage()));
        }
        LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), cause);
        return Reply.json(500, new ErrorBody("internal server error: " + cause.getClass().getSimpleName()
                + " (see the server log)"));
    }

    private static int status(StoreRefusal.Reason reason) {
        return switch (reason) {
            case CONFLICT -> 409;
            case NOT_FOUND -> 404;
            case REVOKED -> 401;
        };
    }

    private static void write(Request request, Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        if (reply.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        }
        reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        Callback done = reply.onLost() == null ? callback : Callback.from(callback::succeeded, failure -> {
            LOG.debug("{} {}: answer lost ({})", request.getMethod(), request.getHttpURI().getPath(),
                    failure.toString());
            reply.onLost().run();
            callback.failed(failure);
        });
        if (reply.stream() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.streamLength());
            // one pooled direct buffer per answer, reused for each read: the socket takes it without a copy, and a
            // blob goes out in a few large writes rather than in thousands of 8 KiB ones
            ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(STREAM_BUFFERS, true, STREAM_CHUNK);
            Content.Source source = Content.Source.from(buffers, reply.stream(), 0, reply.streamLength());
            Content.copy(source, response, Callback.from(() -> {
                closeQuietly(reply.stream());
                done.succeeded();
            }, failure -> {
                closeQuietly(reply.stream());
                done.failed(failure);
            }));
            return;
        }
        response.write(true, ByteBuffer.wrap(reply.body()), done);
    }

    private static void closeQuietly(java.io.Closeable stream) {
        try {
            stream.close();
        } catch (java.io.IOException e) {
            LOG.debug("closing a streamed answer: {}", e.toString());
        }
    }
}
