package dev.runway.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/** A scripted server on loopback for the client's tests: one handler for every path, started at once. */
final class LoopbackServer implements AutoCloseable {
    private final HttpServer server;

    LoopbackServer(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A client of task "task-1" with {@code token}, 5 s per request. */
    TaskClient taskClient(String token) {
        return new TaskClient(new HttpTransport(uri(), Duration.ofSeconds(5)), "task-1", token);
    }

    /** Answers {@code status} with {@code body} (an empty body is sent as none). */
    static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Answers {"got":"METHOD PATH BODY-LENGTH"}: what came through, for tests of the way there. */
    static void echo(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        reply(exchange, 200, ("{\"got\":\"" + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + body.length + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A POST of 3 bytes to /blocking over the blocking path, then a GET of /async over java.net.http, against an
     * {@link #echo} server; answers both bodies, one after the other.
     */
    static String exchangeBothWays(HttpTransport transport) throws Exception {
        byte[] blocking = transport.postBytes("/blocking", "Authorization", "t0ken-value", "abc".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), 3, RetryPolicy.NONE, byte[].class);
        byte[] async = transport.sendForJson(() -> transport.request("/async", "Authorization", "t0ken-value").GET()
                .build(), RetryPolicy.NONE, Duration.ZERO, byte[].class);
        return new String(blocking, java.nio.charset.StandardCharsets.UTF_8)
                + new String(async, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
