package dev.runway.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The optional HTTP listener of {@code health.listen}: {@code /live} (200 while the agent's loop runs),
 * {@code /ready} (200 while it can take work: connected, healthy, not draining; 503 otherwise) and
 * {@code /metrics} (Prometheus text). Read-only and without secrets, so it needs no authentication; bind it to
 * loopback or a private interface.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts listening on {@code listen} ("host:port"; port 0 picks a free one). */
    public static HealthServer start(String listen, BooleanSupplier live, BooleanSupplier ready,
            Supplier<String> metrics) throws IOException {
        HttpServer server = HttpServer.create(parse(listen), 16);
        server.createContext("/live", exchange -> answer(exchange, live.getAsBoolean(), "live\n", "not live\n",
                "text/plain; charset=utf-8"));
        server.createContext("/ready", exchange -> answer(exchange, ready.getAsBoolean(), "ready\n", "not ready\n",
                "text/plain; charset=utf-8"));
        server.createContext("/metrics", exchange -> answer(exchange, true, metrics.get(), "",
                "text/plain; version=0.0.4; charset=utf-8"));
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "health-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new HealthServer(server, executor);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    static InetSocketAddress parse(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("health.listen \"" + listen + "\" is not host:port");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("health.listen \"" + listen + "\": port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("health.listen \"" + listen + "\": port out of range");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static void answer(HttpExchange exchange, boolean ok, String okBody, String failBody, String type)
            throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = (ok ? okBody : failBody).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(ok ? 200 : 503, head ? -1 : body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
