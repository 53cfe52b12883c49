package dev.runway.it.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A forwarding HTTP proxy: takes absolute-form requests and sends them on to the server on loopback. It can leave out
 * a header of the server's answers, as a server of an earlier release would not send it.
 */
final class Forwarder implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final int upstreamPort;
    private volatile String droppedHeader;

    Forwarder(int upstreamPort) throws IOException {
        this(upstreamPort, null);
    }

    /** With {@code tls}: a TLS front (a reverse proxy) that takes origin-form requests. */
    Forwarder(int upstreamPort, javax.net.ssl.SSLContext tls) throws IOException {
        this.upstreamPort = upstreamPort;
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        }
        server.createContext("/", this::forward);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    /** Leaves {@code header} out of every answer from now on. */
    Forwarder dropping(String header) {
        droppedHeader = header;
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        // a proxy gets http://runway-server.invalid:PORT/path?query, a TLS front /path?query
        URI target = exchange.getRequestURI();
        requests.add(exchange.getRequestMethod() + " " + target);
        String pathAndQuery = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        HttpURLConnection upstream = (HttpURLConnection) new URL("http://127.0.0.1:" + upstreamPort + pathAndQuery)
                .openConnection(Proxy.NO_PROXY);
        upstream.setRequestMethod(exchange.getRequestMethod());
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.toLowerCase().startsWith("proxy-")
                    && !name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> upstream.addRequestProperty(name, value));
            }
        });
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (body.length > 0 || exchange.getRequestMethod().equals("POST")) {
            upstream.setDoOutput(true);
            try (OutputStream out = upstream.getOutputStream()) {
                out.write(body);
            }
        }
        int status = upstream.getResponseCode();
        byte[] answer;
        try (InputStream in = status >= 400 ? upstream.getErrorStream() : upstream.getInputStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        upstream.getHeaderFields().forEach((name, values) -> {
            if (name != null && !name.equalsIgnoreCase("Transfer-Encoding") && !name.equalsIgnoreCase(droppedHeader)
                    && !name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Connection")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
