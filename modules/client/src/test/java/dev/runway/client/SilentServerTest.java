package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that takes the connection and never answers (nor reads a body): the blocking path's deadline ends the
 * exchange, and the caller gets an ApiException it can retry, never an unchecked error of the JDK's connection (which
 * fails with an NPE when it is disconnected under a call).
 */
class SilentServerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(60);
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(server.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void aCallThatGetsNoAnswerFailsAsNoAnswerEveryTime() {
        HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + server.getLocalPort()), TIMEOUT);
        // the deadline and the read timeout are the same length and race: both ways must end the same
        for (int i = 0; i < 20; i++) {
            Throwable failure = catchThrowable(() -> transport.callBlocking("GET", "/api/x", "Authorization", "t",
                    null, RetryPolicy.NONE, byte[].class));
            assertThat(failure).as("attempt %d", i).isInstanceOf(ApiException.class)
                    .hasMessageContaining("GET /api/x: no answer from");
            assertThat(((ApiException) failure).retryable()).isTrue();
        }
    }

    @Test
    void aBodyTheServerNeverReadsFailsAsNoAnswer() {
        HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + server.getLocalPort()), TIMEOUT);
        byte[] data = new byte[16 * 1024 * 1024]; // more than the socket buffers hold: the write blocks
        for (int i = 0; i < 5; i++) {
            Throwable failure = catchThrowable(() -> transport.postBytes("/api/out", "Authorization", "t", data,
                    data.length, RetryPolicy.NONE, byte[].class));
            assertThat(failure).as("attempt %d", i).isInstanceOf(ApiException.class)
                    .hasMessageContaining("POST /api/out: no answer from");
        }
    }

    @Test
    void aConnectionThatIsNeverAcceptedFailsAsNoAnswer() throws IOException {
        // A full accept queue drops the SYNs of further connections, as a partition does: connect hangs, and the
        // deadline (shorter than the connect timeout) disconnects the connection before it has one.
        try (ServerSocket unaccepting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new CopyOnWriteArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket();
                    filling.add(socket);
                    socket.connect(unaccepting.getLocalSocketAddress(), 200);
                }
            } catch (IOException queueFull) {
                // the queue is full: the next connection hangs in connect
            }
            // the partition heals after the deadline and before the connect timeout: the queue empties, and the
            // SYN sent again (after 1 s) gets through
            Thread healing = new Thread(() -> {
                try {
                    Thread.sleep(600);
                    while (true) {
                        held.add(unaccepting.accept());
                    }
                } catch (IOException | InterruptedException closed) {
                    // the test is over
                }
            });
            healing.setDaemon(true);
            healing.start();
            HttpTransport transport = new HttpTransport(
                    URI.create("http://127.0.0.1:" + unaccepting.getLocalPort()), Duration.ofMillis(300));
            Throwable failure = catchThrowable(() -> transport.callBlocking("GET", "/api/job", "Authorization", "t",
                    null, RetryPolicy.NONE, byte[].class));
            assertThat(failure).isInstanceOf(ApiException.class).hasMessageContaining("GET /api/job: no answer from");
            for (Socket socket : filling) {
                socket.close();
            }
        }
    }

    @Test
    void anAnswerThatComesAsTheDeadlineEndsTheCallIsAnAnswerOrAnApiException() throws IOException {
        // The deadline disconnects the connection from another thread; when that lands just after the answer's
        // head was read, the JDK's connection fails with an NPE. Answers come at the deadline, give or take 3 ms.
        try (ServerSocket late = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                java.util.Random random = new java.util.Random(7);
                try {
                    while (true) {
                        Socket socket = late.accept();
                        held.add(socket);
                        long delay = 30 + random.nextInt(7) - 3;
                        Thread answer = new Thread(() -> answerAfter(socket, delay));
                        answer.setDaemon(true);
                        answer.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            answering.setDaemon(true);
            answering.start();
            HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + late.getLocalPort()),
                    Duration.ofMillis(30));
            for (int i = 0; i < 150; i++) {
                Throwable failure = catchThrowable(() -> transport.callBlocking("GET", "/api/job", "Authorization",
                        "t", null, RetryPolicy.NONE, byte[].class));
                if (failure != null) {
                    assertThat(failure).as("attempt %d", i).isInstanceOf(ApiException.class)
                            .hasMessageContaining("GET /api/job: no answer from");
                }
            }
        }
    }

    private static void answerAfter(Socket socket, long delayMillis) {
        try {
            java.io.InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read = in.read(buffer); // one GET's head: small, comes in one read
            if (read <= 0) {
                return;
            }
            Thread.sleep(delayMillis);
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.close();
        } catch (IOException | InterruptedException ended) {
            // the client gave up first
        }
    }
}
