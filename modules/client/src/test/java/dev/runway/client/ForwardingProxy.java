package dev.runway.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP proxy on loopback for the client's tests: takes absolute-form requests ({@code GET http://host:port/path}),
 * sends each to {@code upstreamPort} on loopback whatever host it names, and relays the answer. With
 * {@code credentials} ("user:password") it first asks for them with a 407, as a real proxy does.
 */
final class ForwardingProxy implements AutoCloseable {
    private final ServerSocket socket;
    private final int upstreamPort;
    private final String expectedAuthorization;
    /** Request lines as the proxy got them, and the Proxy-Authorization each carried (or "-"). */
    final List<String> requests = new CopyOnWriteArrayList<>();

    ForwardingProxy(int upstreamPort, String credentials) throws IOException {
        this.upstreamPort = upstreamPort;
        this.expectedAuthorization = credentials == null ? null : "Basic "
                + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "test proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread connection = new Thread(() -> serve(client), "test proxy connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            while (true) {
                List<String> head = readHead(in);
                if (head.isEmpty()) {
                    return;
                }
                String[] requestLine = head.get(0).split(" ");
                String authorization = header(head, "proxy-authorization");
                requests.add(head.get(0) + " " + (authorization == null ? "-" : authorization));
                String length = header(head, "content-length");
                byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length.strip()));
                if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
                            + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                out.write(forward(requestLine, head, body));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private byte[] forward(String[] requestLine, List<String> head, byte[] body) throws IOException {
        String target = requestLine[1];
        if (!target.startsWith("http://")) {
            return "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        }
        int pathStart = target.indexOf('/', "http://".length());
        String path = pathStart < 0 ? "/" : target.substring(pathStart);
        StringBuilder request = new StringBuilder(requestLine[0] + " " + path + " HTTP/1.1\r\n");
        for (String line : head.subList(1, head.size())) {
            String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
            if (!name.startsWith("proxy-") && !name.equals("connection")) {
                request.append(line).append("\r\n");
            }
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            upstream.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            upstream.getOutputStream().write(body);
            upstream.getOutputStream().flush();
            return upstream.getInputStream().readAllBytes();
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
