package dev.runway.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between the agents and the server that understands HTTP/1.1 enough to break it on
 * purpose. While {@link #faultRate} is above zero, each new connection may get a connection fault (delay, a stall,
 * half-open: accepted and never answered, reset) and each request a protocol fault (500, 429 with Retry-After, a
 * truncated body, garbage JSON). Whatever it injects is counted in {@link FaultTally}. It also remembers every task
 * token it relays in a claim answer, so the suite can look for those tokens where they must never be.
 */
final class ChaosProxy implements Closeable {
    /** What can happen to a connection. */
    enum ConnectionFault { NONE, DELAY, STALL, HALF_OPEN, RESET }

    /** What can happen to one request. */
    enum ExchangeFault { NONE, ERROR_500, TOO_MANY_429, TRUNCATED_BODY, GARBAGE_JSON }

    private static final int MAX_HEAD = 64 * 1024;
    private final InetSocketAddress upstream;
    private final Random random;
    private final FaultTally tally;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> halfOpen = ConcurrentHashMap.newKeySet();
    /** Task id to task token, of every claim answer relayed. */
    private final Map<String, String> taskTokens = new ConcurrentHashMap<>();
    private volatile double faultRate;
    private volatile boolean closed;

    ChaosProxy(InetSocketAddress upstream, long seed, FaultTally tally) throws IOException {
        this.upstream = upstream;
        this.random = new Random(seed);
        this.tally = tally;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "chaos-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Probability that a new connection, and each request, gets a fault; 0 turns faults off. */
    void faultRate(double rate) {
        faultRate = rate;
        if (rate == 0) {
            // The fault is over: connections it held half-open go away, as when the path between comes back.
            for (Socket socket : halfOpen) {
                closeQuietly(socket);
            }
        }
    }

    /** Task tokens seen in claim answers so far, by task id. */
    Map<String, String> taskTokens() {
        return Map.copyOf(taskTokens);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                ConnectionFault fault = pickConnectionFault();
                Thread worker = new Thread(() -> serve(client, fault), "chaos-proxy-" + client.getPort());
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                if (!closed) {
                    tally.note("proxy accept failed: " + e);
                }
            }
        }
    }

    private synchronized ConnectionFault pickConnectionFault() {
        if (faultRate <= 0 || random.nextDouble() >= faultRate) {
            return ConnectionFault.NONE;
        }
        ConnectionFault[] faults = {ConnectionFault.DELAY, ConnectionFault.STALL, ConnectionFault.HALF_OPEN,
                ConnectionFault.RESET};
        return faults[random.nextInt(faults.length)];
    }

    private synchronized ExchangeFault pickExchangeFault() {
        if (faultRate <= 0 || random.nextDouble() >= faultRate) {
            return ExchangeFault.NONE;
        }
        ExchangeFault[] faults = {ExchangeFault.ERROR_500, ExchangeFault.TOO_MANY_429,
                ExchangeFault.TRUNCATED_BODY, ExchangeFault.GARBAGE_JSON};
        return faults[random.nextInt(faults.length)];
    }

    private synchronized int randomMillis(int from, int to) {
        return from + random.nextInt(to - from);
    }

    private void serve(Socket client, ConnectionFault fault) {
        Socket server = null;
        try {
            if (fault != ConnectionFault.NONE) {
                tally.injected("proxy: connection " + fault.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            if (fault == ConnectionFault.HALF_OPEN) {
                holdHalfOpen(client);
                return;
            }
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            if (fault == ConnectionFault.RESET) {
                readMessage(fromClient, true, false); // take the request, then drop the connection hard
                client.setSoLinger(true, 0);
                return;
            }
            boolean stallPending = fault == ConnectionFault.STALL;
            // a body fault picked for an answer without a JSON body (e.g. an empty claim) waits for the next one
            ExchangeFault pending = ExchangeFault.NONE;
            while (!closed) {
                HttpMessage request = readMessage(fromClient, true, false);
                if (request == null) {
                    return;
                }
                if (fault == ConnectionFault.DELAY) {
                    Thread.sleep(randomMillis(50, 800));
                }
                ExchangeFault exchange = pending != ExchangeFault.NONE && faultRate > 0 ? pending
                        : pickExchangeFault();
                pending = ExchangeFault.NONE;
                if (exchange == ExchangeFault.ERROR_500 || exchange == ExchangeFault.TOO_MANY_429) {
                    tally.injected("proxy: " + (exchange == ExchangeFault.ERROR_500 ? "500" : "429 Retry-After"));
                    toClient.write(errorAnswer(exchange));
                    toClient.flush();
                    continue;
                }
                if (server == null) {
                    server = new Socket();
                    try {
                        server.connect(upstream, 5_000);
                    } catch (IOException down) {
                        client.setSoLinger(true, 0); // the server is down: the client sees a refused/reset call
                        return;
                    }
                    open.add(server);
                }
                server.getOutputStream().write(request.raw());
                server.getOutputStream().flush();
                HttpMessage response = readMessage(server.getInputStream(), false, request.isHead());
                if (response == null) {
                    client.setSoLinger(true, 0);
                    return;
                }
                rememberTaskToken(request, response);
                if (stallPending && randomMillis(0, 2) == 0) {
                    stallPending = false;
                    Thread.sleep(randomMillis(2_000, 6_000));
                }
                boolean bodyFault = exchange == ExchangeFault.TRUNCATED_BODY || exchange == ExchangeFault.GARBAGE_JSON;
                if (bodyFault && !response.isJson()) {
                    pending = exchange;
                    exchange = ExchangeFault.NONE;
                }
                if (exchange == ExchangeFault.TRUNCATED_BODY) {
                    tally.injected("proxy: truncated body");
                    toClient.write(response.head());
                    toClient.write(response.body(), 0, response.body().length / 2);
                    toClient.flush();
                    client.setSoLinger(true, 0);
                    return;
                }
                if (exchange == ExchangeFault.GARBAGE_JSON) {
                    tally.injected("proxy: garbage JSON");
                    toClient.write(response.withBody(garbage()));
                } else {
                    toClient.write(response.raw());
                }
                toClient.flush();
                if (response.closes() || request.closes()) {
                    return;
                }
            }
        } catch (IOException e) {
            // a side went away: the other side sees the connection end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            if (server != null) {
                closeQuietly(server);
            }
        }
    }

    /** Accepts the bytes and never answers, until the fault ends or the client gives up. */
    private void holdHalfOpen(Socket client) throws IOException {
        halfOpen.add(client);
        try (InputStream in = client.getInputStream()) {
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // swallow
            }
        } finally {
            halfOpen.remove(client);
        }
    }

    private void rememberTaskToken(HttpMessage request, HttpMessage response) {
        if (request.startLine().contains(ApiPaths.CLAIM) && response.startLine().contains(" 200")) {
            try {
                JsonNode claim = Json.mapper().readTree(response.body());
                if (claim.hasNonNull("task_token") && claim.hasNonNull("task_id")) {
                    taskTokens.put(claim.get("task_id").asText(), claim.get("task_token").asText());
                }
            } catch (IOException e) {
                tally.note("unreadable claim answer: " + e.getMessage());
            }
        }
    }

    private static byte[] errorAnswer(ExchangeFault fault) {
        boolean tooMany = fault == ExchangeFault.TOO_MANY_429;
        byte[] body = ("{\"message\":\"" + (tooMany ? "slow down (injected)" : "injected failure") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String head = (tooMany ? "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n"
                : "HTTP/1.1 500 Server Error\r\n") + "Content-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private synchronized byte[] garbage() {
        List<String> garbage = List.of("{\"next_offset\": ", "{\"task_id\": [1, 2", "not json at all", "\u0000\u00ff{",
                "{\"canceled\": \"maybe\", \"lease_seconds\": -1}", "[]", "{}", "null", "{\"x\":1}");
        return garbage.get(random.nextInt(garbage.size())).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * One HTTP/1.1 message: its start line and headers ({@code head}, with the final blank line), its body as sent
     * ({@code rawBody}: chunked framing kept) and decoded ({@code body}).
     */
    record HttpMessage(String startLine, String headers, byte[] head, byte[] rawBody, byte[] body) {
        byte[] raw() {
            return concat(head, rawBody);
        }

        boolean isHead() {
            return startLine.startsWith("HEAD ");
        }

        boolean closes() {
            return header("connection").equalsIgnoreCase("close");
        }

        boolean isJson() {
            return header("content-type").contains("json") && body.length > 0;
        }

        String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return "";
        }

        /** The same message with another body and a Content-Length that fits it. */
        byte[] withBody(byte[] newBody) {
            StringBuilder rebuilt = new StringBuilder(startLine).append("\r\n");
            for (String line : headers.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (!line.isEmpty() && !lower.startsWith("content-length:")
                        && !lower.startsWith("transfer-encoding:")) {
                    rebuilt.append(line).append("\r\n");
                }
            }
            rebuilt.append("Content-Length: ").append(newBody.length).append("\r\n\r\n");
            return concat(rebuilt.toString().getBytes(StandardCharsets.ISO_8859_1), newBody);
        }
    }

    /** Reads one message; null at a clean end of the stream before it starts. */
    static HttpMessage readMessage(InputStream in, boolean isRequest, boolean answersHead) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection ended inside a message head");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("message head too long");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int firstLineEnd = text.indexOf("\r\n");
        String startLine = text.substring(0, firstLineEnd);
        String headers = text.substring(firstLineEnd + 2);
        HttpMessage bare = new HttpMessage(startLine, headers, head.toByteArray(), new byte[0], new byte[0]);
        if (bare.header("transfer-encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(in, bare);
        }
        String length = bare.header("content-length");
        byte[] body;
        if (!length.isEmpty()) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if (isRequest || answersHead || noBodyStatus(startLine)) {
            body = new byte[0];
        } else {
            body = in.readAllBytes(); // delimited by the end of the connection
        }
        return new HttpMessage(startLine, headers, bare.head(), body, body);
    }

    private static boolean noBodyStatus(String statusLine) {
        String[] parts = statusLine.split(" ");
        return parts.length > 1 && (parts[1].startsWith("1") || parts[1].equals("204") || parts[1].equals("304"));
    }

    private static HttpMessage readChunked(InputStream in, HttpMessage bare) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, raw);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in, raw);
                } while (!trailer.isEmpty());
                return new HttpMessage(bare.startLine(), bare.headers(), bare.head(), raw.toByteArray(),
                        decoded.toByteArray());
            }
            byte[] data = in.readNBytes(size);
            raw.write(data);
            decoded.write(data);
            readLine(in, raw);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            raw.write(b);
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0) {
            throw new IOException("connection ended inside a chunked body");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }
}
