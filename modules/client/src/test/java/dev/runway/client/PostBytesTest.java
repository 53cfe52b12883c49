package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.RunnerApi.OutputAck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Output appends go over a blocking kept-alive connection: bytes, headers, retries and errors as for every call. */
class PostBytesTest {
    private static final String TOKEN = "task-token-never-printed";
    /** Answers to give, in order: status, Retry-After (or null), body. The last one repeats. */
    private final Deque<Object[]> answers = new ArrayDeque<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    private LoopbackServer server;
    private TaskClient client;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer(exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Object[] answer = answers.size() > 1 ? answers.poll() : answers.peek();
            if (answer[1] != null) {
                exchange.getResponseHeaders().add("Retry-After", (String) answer[1]);
            }
            LoopbackServer.reply(exchange, (Integer) answer[0],
                    ((String) answer[2]).getBytes(StandardCharsets.UTF_8));
        });
        client = server.taskClient(TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void answer(int status, String retryAfter, String body) {
        answers.add(new Object[] {status, retryAfter, body});
    }

    @Test
    void sendsTheGivenBytesWithTheTokenAsBearerOverOneKeptAliveConnection() throws Exception {
        answer(200, null, "{\"next_offset\": 5, \"canceled\": false}");
        byte[] data = "hello, and bytes past the length".getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < 3; i++) {
            assertThat(client.appendOutput(2, 0, data, 5, 1234).nextOffset()).isEqualTo(5);
        }

        assertThat(received).containsOnly("POST /api/v3/runner/tasks/task-1/steps/2/output?offset=0&at=1234 Bearer "
                + TOKEN + " application/octet-stream hello").hasSize(3);
        assertThat(clientPorts).as("one connection, reused").containsOnly(clientPorts.get(0));
    }

    @Test
    void retriesAfterUnavailableHonouringRetryAfterThenSucceeds() throws Exception {
        answer(503, "1", "{\"message\": \"busy\"}");
        answer(500, null, "");
        answer(200, null, "{\"next_offset\": 3, \"canceled\": true}");
        long start = System.nanoTime();

        OutputAck ack = client.appendOutput(0, 0, "abc".getBytes(StandardCharsets.UTF_8), 3, 1);

        assertThat(ack.nextOffset()).isEqualTo(3);
        assertThat(ack.canceled()).isTrue();
        assertThat(received).hasSize(3).allSatisfy(request -> assertThat(request).endsWith(" abc"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aGapIsAnOffsetMismatchWithTheServersOffsetAndIsNotRetried() {
        answer(409, null, "{\"message\": \"output of step 0 ends at byte 7\", \"expected_offset\": 7}");

        assertThatThrownBy(() -> client.appendOutput(0, 20, new byte[] {'x'}, 1, 1))
                .isInstanceOfSatisfying(TaskClient.OffsetMismatchException.class, e -> {
                    assertThat(e.expectedOffset()).isEqualTo(7);
                    assertThat(e.getMessage()).contains("HTTP 409", "ends at byte 7").doesNotContain(TOKEN);
                });
        assertThat(received).hasSize(1);
    }

    @Test
    void aRefusalIsNotRetriedAndNamesTheCallWithoutTheToken() {
        answer(403, null, "{\"message\": \"not your task\"}");

        assertThatThrownBy(() -> client.appendOutput(0, 0, new byte[] {'x'}, 1, 1))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo(
                            "POST /api/v3/runner/tasks/task-1/steps/0/output: HTTP 403: not your task");
                });
        assertThat(received).hasSize(1);
    }

    @Test
    void aServerThatStopsReadingEndsTheSendAtTheRequestTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket unread = silent.accept()) {
                    Thread.sleep(20_000); // holds the connection open and reads nothing
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpTransport transport = new HttpTransport(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                    Duration.ofSeconds(1));
            byte[] more = new byte[64 * 1024 * 1024]; // far more than the socket buffers hold
            long start = System.nanoTime();

            assertThatThrownBy(() -> transport.postBytes("/x", "Authorization", TOKEN, more, more.length,
                    RetryPolicy.NONE, OutputAck.class)).isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.status()).isZero());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            acceptor.interrupt();
        }
    }

    @Test
    void noServerIsNoAnswerAfterThePolicysTime() throws Exception {
        server.close();
        HttpTransport transport = new HttpTransport(server.uri(), Duration.ofSeconds(1));
        RetryPolicy brief = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(300));

        assertThatThrownBy(() -> transport.postBytes("/x", "Authorization", TOKEN, new byte[] {'x'}, 1, brief,
                OutputAck.class)).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).startsWith("POST /x: no answer from").doesNotContain(TOKEN);
                });
    }
}
