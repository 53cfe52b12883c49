package dev.runway.it.install;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A minimal HTTP/1.1 file server on loopback, one connection per request (Connection: close). It can cut a response
 * off half-way while its Content-Length promises the whole file, then close the socket: a partial download as a
 * broken connection produces it (com.sun.net.httpserver keeps such a connection open instead).
 */
final class FileServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Path root;
    private final Predicate<Path> cutShort;

    FileServer(Path root, Predicate<Path> cutShort) throws IOException {
        this.root = root;
        this.cutShort = cutShort;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::serve, "file-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                answer(connection);
            } catch (IOException e) {
                // closed, or the client went away: next connection
            }
        }
    }

    private void answer(Socket connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            // headers are not needed
        }
        OutputStream out = connection.getOutputStream();
        String[] parts = requestLine == null ? new String[0] : requestLine.split(" ");
        Path file = parts.length == 3 ? root.resolve(parts[1].substring(1)).normalize() : root;
        if (!parts[0].equals("GET") || !file.startsWith(root) || !Files.isRegularFile(file)) {
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        byte[] body = Files.readAllBytes(file);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, cutShort.test(file) ? body.length / 2 : body.length);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
