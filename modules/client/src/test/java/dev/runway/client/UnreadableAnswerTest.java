package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.RunnerApi.OutputAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 2xx answer mangled on the way (truncated, garbage) is retried, and its text never reaches an error message. */
class UnreadableAnswerTest {
    private static final String SECRET_IN_BODY = "tok_do_not_print_me";
    private final Deque<String> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private LoopbackServer server;
    private TaskClient client;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer(exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            LoopbackServer.reply(exchange, 200,
                    answers.isEmpty() ? new byte[0] : answers.poll().getBytes(StandardCharsets.UTF_8));
        });
        client = server.taskClient("task-token");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void garbageThenTruncatedThenGoodAnswerIsRetriedUntilReadable() throws Exception {
        answers.add("[1,2,3]");
        answers.add("{\"next_offset\": 5, \"canc");
        answers.add("{\"next_offset\": 5, \"canceled\": false}");

        OutputAck ack = client.appendOutput(0, 0, "hello".getBytes(StandardCharsets.UTF_8), 5, 0);

        assertThat(ack.nextOffset()).isEqualTo(5);
        assertThat(requests).hasValue(3);
    }

    @Test
    void anAnswerThatStaysUnreadableFailsWithoutQuotingTheBody() {
        for (int i = 0; i < 200; i++) {
            answers.add("{\"task_token\": \"" + SECRET_IN_BODY + "\", garbage");
        }
        HttpTransport transport = new HttpTransport(server.uri(),
                Duration.ofSeconds(5));
        RetryPolicy brief = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(10));

        assertThatThrownBy(() -> transport.sendForJson(() -> transport.request("/x", "Authorization", "t").GET()
                .build(), brief, Duration.ZERO, OutputAck.class))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("unreadable answer")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(SECRET_IN_BODY));
        assertThat(requests.get()).isGreaterThan(1);
    }
}
