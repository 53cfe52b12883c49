package dev.runway.it.bench;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Json;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One simulated agent's claim connection: the runner protocol's claim over a keep-alive HTTP/1.1 connection of its
 * own, written and read directly on a socket. The 200 agents of the benchmark share two cores with the server, and
 * java.net.http spent about a millisecond of CPU per claim request (measured), as much as the server: the figure was
 * half the client's. Real agents run on their own machines; this costs the shared cores a few microseconds.
 */
final class ClaimConnection implements Closeable {
    private final URI server;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ClaimConnection(URI server, String token, ClaimRequest claim) throws IOException {
        this(server, token, "POST", ApiPaths.CLAIM, Json.mapper().writeValueAsBytes(claim));
    }

    /** A connection that sends {@code method path} with {@code body} each time ({@link #send}). */
    ClaimConnection(URI server, String token, String method, String path, byte[] body) throws IOException {
        this.server = server;
        byte[] head = (method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + server.getHost() + ":" + server.getPort() + "\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: application/json\r\n"
                + "User-Agent: runway-bench\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket(server.getHost(), server.getPort());
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
    }

    /** Claims once: the task handed out (200), or empty when the wait ended with no task (204). */
    Optional<ClaimResponse> claim() throws IOException {
        Answer answer = send();
        if (answer.code() == 204) {
            return Optional.empty();
        }
        if (answer.code() != 200) {
            throw new IOException("claim answered " + answer.code() + ": "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        ClaimResponse claimed = Json.read(answer.body(), ClaimResponse.class);
        if (claimed.taskId() == null || claimed.taskToken() == null) {
            throw new IOException("a 200 claim answer without a task: "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        return Optional.of(claimed);
    }

    /** An answer's status code and body. */
    record Answer(int code, byte[] body) {}

    /** Sends the request once and reads its whole answer. */
    Answer send() throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Integer.parseInt(value);
                case "transfer-encoding" -> chunked = value.contains("chunked");
                case "connection" -> closes = value.contains("close");
                default -> { }
            }
        }
        byte[] body = chunked ? chunkedBody() : in.readNBytes(Math.max(0, length));
        if (closes) {
            socket.close();
            connect();
        }
        return new Answer(code, body);
    }

    private byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
            body.write(in.readNBytes(size));
            line();
        }
        while (!line().isEmpty()) {
            // trailers
        }
        return body.toByteArray();
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
