package dev.runway.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 POST whose body is a range of a file, sent by the kernel from the page cache ({@code sendfile} through
 * {@link FileChannel#transferTo}): the bytes are not copied into this process and out again, as they are through
 * {@link java.net.HttpURLConnection}, which does not expose its socket. For plain HTTP without a proxy only; the
 * connection is closed after the answer (Connection: close), so the answer's end is never in doubt.
 */
final class FilePost {
    /** Bytes asked of one {@code transferTo}. */
    private static final long PIECE = 8L * 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** What came back: the status, its Retry-After header (null when none) and the body. */
    record Answer(int status, String retryAfter, byte[] body) {}

    private final SocketChannel channel;
    private final int stallMillis;

    private FilePost(SocketChannel channel, int stallMillis) {
        this.channel = channel;
        this.stallMillis = stallMillis;
    }

    /**
     * Connects to {@code uri}'s host and port (5 s at most); a send that makes no progress, or an answer that does
     * not come, for {@code stallMillis} fails the POST (a blocked {@code sendfile} is not woken by closing its socket,
     * so the bytes go out without blocking and the waits for room have this limit).
     */
    static FilePost connect(URI uri, int stallMillis) throws IOException {
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(new InetSocketAddress(uri.getHost(), port), 5_000);
            channel.socket().setSoTimeout(stallMillis);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new FilePost(channel, stallMillis);
    }

    private void close() {
        try {
            channel.close();
        } catch (IOException alreadyGone) {
            // nothing left to release
        }
    }

    /**
     * Sends the POST of {@code length} bytes of {@code file} from {@code offset} to {@code uri} with
     * {@code headers} and reads the answer; then closes the connection.
     */
    Answer post(URI uri, Map<String, String> headers, FileChannel file, long offset, long length)
            throws IOException {
        try {
            StringBuilder head = new StringBuilder("POST ").append(uri.getRawPath());
            if (uri.getRawQuery() != null) {
                head.append('?').append(uri.getRawQuery());
            }
            head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
            if (uri.getPort() >= 0) {
                head.append(':').append(uri.getPort());
            }
            head.append("\r\nContent-Length: ").append(length).append("\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            ByteBuffer request = ByteBuffer.wrap(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            send(file, offset, length);
            channel.configureBlocking(true); // the answer is read with the socket's timeout
            return read(new BufferedInputStream(channel.socket().getInputStream(), 8192));
        } finally {
            close();
        }
    }

    /** Sends the body without blocking: a socket with no room for {@code stallMillis} fails the POST. */
    private void send(FileChannel file, long offset, long length) throws IOException {
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            long sent = 0;
            while (sent < length) {
                long moved = file.transferTo(offset + sent, Math.min(PIECE, length - sent), channel);
                if (moved > 0) {
                    sent += moved;
                    continue;
                }
                if (file.size() <= offset + sent) {
                    throw new ShrankException(offset + sent);
                }
                selector.selectedKeys().clear();
                if (selector.select(stallMillis) == 0) {
                    throw new HttpTimeoutException("no progress within " + stallMillis + " ms");
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** The file ended before all its bytes were sent (it shrank while it was uploaded). */
    static final class ShrankException extends IOException {
        private static final long serialVersionUID = 1L;

        ShrankException(long at) {
            super("the file ended at byte " + at + " while it was uploaded");
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status.substring(0, Math.min(40, status.length())));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + parts[1]);
        }
        long contentLength = -1;
        boolean chunked = false;
        String retryAfter = null;
        int headerBytes = 0;
        for (String header; !(header = line(in)).isEmpty(); ) {
            headerBytes += header.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("the answer's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "retry-after" -> retryAfter = value;
                default -> { }
            }
        }
        if (code < 200) { // 100 Continue and the like: the final answer follows
            return read(in);
        }
        return new Answer(code, retryAfter, chunked ? chunks(in) : contentLength >= 0
                ? exactly(in, contentLength) : in.readAllBytes());
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int extension = size.indexOf(';');
            long length = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
            if (length == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: none are used
                }
                return body.toByteArray();
            }
            body.write(exactly(in, length));
            line(in);
        }
    }

    private static byte[] exactly(InputStream in, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("an answer of " + length + " bytes is too long");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new IOException("the answer ended after " + body.length + " of " + length + " bytes");
        }
        return body;
    }

    /** One line of the answer's head, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection closed before the answer's head ended");
            }
            if (line.size() > MAX_HEADER_BYTES) {
                throw new IOException("a line of the answer is longer than " + MAX_HEADER_BYTES + " bytes");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }
}
