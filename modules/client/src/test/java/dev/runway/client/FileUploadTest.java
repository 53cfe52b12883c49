package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import dev.runway.protocol.BlobsApi.BlobRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TaskClient#uploadFile} against a scripted server on loopback: the server gets the exact bytes and the
 * credential, answers of either framing are read, an upload resumes at the server's offset with only the rest sent,
 * a server that stops reading cuts the upload as no progress, and a file that shrinks under way fails naming it.
 */
class FileUploadTest {
    @TempDir
    Path temp;

    private static String sha256(byte[] data, int from) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(data, 0, from);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] json(long nextOffset, String sha256) {
        return ("{\"next_offset\":" + nextOffset + ",\"sha256\":" + (sha256 == null ? "null" : "\"" + sha256 + "\"")
                + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** A blob-stream server that holds {@code held} bytes of {@code data} before the upload's POST. */
    private static class StreamServer {
        final List<String> posts = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final AtomicInteger gets = new AtomicInteger();
        volatile long held;
        volatile boolean chunkedAnswer;

        void handle(HttpExchange exchange) throws IOException {
            if (exchange.getRequestMethod().equals("GET")) {
                gets.incrementAndGet();
                LoopbackServer.reply(exchange, 200, json(held, null));
                return;
            }
            posts.add(exchange.getRequestURI() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                    + " length=" + exchange.getRequestHeaders().getFirst("Content-Length"));
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.write(body);
            }
            byte[] all = received.toByteArray();
            String sha;
            try {
                sha = sha256(all, all.length);
            } catch (Exception e) {
                throw new IOException(e);
            }
            byte[] answer = json(all.length, sha);
            if (chunkedAnswer) {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer, 0, 5);
                    out.flush();
                    out.write(answer, 5, answer.length - 5);
                }
            } else {
                LoopbackServer.reply(exchange, 200, answer);
            }
        }
    }

    @Test
    void theFileArrivesWholeWithItsCredentialAndEitherFramingOfTheAnswerIsRead() throws Exception {
        byte[] data = new byte[5_000_000];
        new Random(7).nextBytes(data);
        Path file = Files.write(temp.resolve("artifact.bin"), data);
        for (boolean chunked : new boolean[] {false, true}) {
            StreamServer script = new StreamServer();
            script.chunkedAnswer = chunked;
            try (LoopbackServer server = new LoopbackServer(script::handle)) {
                BlobRef stored = server.taskClient("t0ken").uploadFile(file);
                assertThat(stored).isEqualTo(new BlobRef(sha256(data, data.length), data.length));
                assertThat(script.received.toByteArray()).isEqualTo(data);
                assertThat(script.posts).singleElement().asString()
                        .matches("/api/v3/runner/tasks/task-1/blob-streams/[0-9a-f-]+\\?offset=0&size=5000000"
                                + " auth=Bearer t0ken length=5000000");
            }
        }
    }

    @Test
    void anUploadResumesAtTheServersOffsetSendingOnlyTheRest() throws Exception {
        byte[] data = new byte[3_000_000];
        new Random(8).nextBytes(data);
        Path file = Files.write(temp.resolve("artifact.bin"), data);
        StreamServer script = new StreamServer();
        script.received.write(data, 0, 1_234_567);
        script.held = 1_234_567;
        try (LoopbackServer server = new LoopbackServer(script::handle)) {
            BlobRef stored = server.taskClient("t0ken").uploadFile(file);
            assertThat(stored).isEqualTo(new BlobRef(sha256(data, data.length), data.length));
            assertThat(script.received.toByteArray()).isEqualTo(data);
            assertThat(script.posts).singleElement().asString().contains("?offset=1234567&size=3000000")
                    .endsWith("length=" + (3_000_000 - 1_234_567));
        }
    }

    @Test
    void aServerThatStopsReadingCutsTheUploadAsNoProgress() throws Exception {
        byte[] data = new byte[32 * 1024 * 1024]; // more than the socket buffers hold: the sending blocks
        Path file = Files.write(temp.resolve("artifact.bin"), data);
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    Duration.ofMillis(1500));
            Throwable failure = catchThrowable(() -> transport.postFile("/api/upload", "Authorization", "t", file,
                    0, data.length, byte[].class));
            assertThat(failure).isInstanceOf(ApiException.class).hasMessageContaining("POST /api/upload: no answer")
                    .hasMessageContaining("no progress within 1500 ms");
            assertThat(((ApiException) failure).retryable()).isTrue();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aFileThatShrinksWhileItIsUploadedFailsNamingIt() throws Exception {
        byte[] data = new byte[2_000_000];
        Path file = Files.write(temp.resolve("shrinking.bin"), data);
        StreamServer script = new StreamServer() {
            @Override
            void handle(HttpExchange exchange) throws IOException {
                if (exchange.getRequestMethod().equals("GET")) {
                    // the client took the size already: the file is cut between that and the sending
                    try (var channel = java.nio.channels.FileChannel.open(file,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        channel.truncate(1_000_000);
                    }
                }
                super.handle(exchange);
            }
        };
        try (LoopbackServer server = new LoopbackServer(script::handle)) {
            Throwable failure = catchThrowable(() -> server.taskClient("t0ken").uploadFile(file));
            assertThat(failure).hasMessageContaining(file.toString()).hasMessageContaining("shrank");
            assertThat(script.gets.get()).as("not retried: the file is what is wrong").isEqualTo(1);
        }
    }
}
