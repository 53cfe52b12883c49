package dev.runway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.RunnerApi.TaskJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task agent fetches its job while it sets up logging: the prefetch answers job() once, errors included. A launch
 * agent fetches the job's JSON to hand it over, and a handed-over job is answered without a request.
 */
class JobPrefetchTest {
    private static final String JOB = "{\"task_id\":\"task-1\",\"job_id\":\"job-1\",\"job_name\":\"build\","
            + "\"build_num\":7,\"steps\":[]}";
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private volatile int status = 200;
    private volatile String body = JOB;
    private volatile long delayMillis;
    private LoopbackServer server;
    private TaskClient client;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackServer(exchange -> {
            requests.incrementAndGet();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            LoopbackServer.reply(exchange, status,
                    (status == 200 ? body : "{\"message\":\"no such task\"}").getBytes(StandardCharsets.UTF_8));
        });
        client = server.taskClient("task-token");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPrefetchedJobIsAnsweredOnceThenFetchedAgain() throws Exception {
        client.prefetchJob();
        TaskJob job = client.job();
        assertThat(job.jobName()).isEqualTo("build");
        assertThat(job.buildNum()).isEqualTo(7);
        assertThat(requests).hasValue(1);
        assertThat(authorization).hasValue("Bearer task-token");

        assertThat(client.job().jobId()).isEqualTo("job-1");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aPrefetchThatFailedThrowsTheServersRefusal() {
        status = 404;
        client.prefetchJob();
        assertThatThrownBy(client::job).isInstanceOf(ApiException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("no such task")
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(404));
    }

    @Test
    void theJobsJsonIsHandedOverAsTheServerSentIt() throws Exception {
        assertThat(new String(client.jobJson(), StandardCharsets.UTF_8)).isEqualTo(JOB);
        assertThat(authorization).hasValue("Bearer task-token");
    }

    @Test
    void anUnreadableJobIsNotHandedOver() {
        body = "{\"task_id\":\"task-1\",\"steps\":";
        assertThatThrownBy(client::jobJson).isInstanceOf(ApiException.class).hasMessageContaining("unreadable job")
                .message().doesNotContain("task_id");
        status = 404;
        assertThatThrownBy(client::jobJson).isInstanceOf(ApiException.class).hasMessageContaining("HTTP 404");
        assertThat(requests).as("asked once each, no retries").hasValue(2);
    }

    @Test
    void aHandedOverJobIsAnsweredWithoutARequest() throws Exception {
        TaskJob handedOver = new TaskJob("task-1", "job-9", "handed", 9, java.util.List.of(), null, null, null);
        client.useJob(handedOver);
        assertThat(client.job()).isSameAs(handedOver);
        assertThat(requests).hasValue(0);
    }

    @Test
    void aSlowServerIsNotWaitedForLongerThanTheHandoverLimit() {
        delayMillis = 4_000;
        long started = System.nanoTime();
        assertThatThrownBy(client::jobJson).isInstanceOf(ApiException.class);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMillis).isGreaterThanOrEqualTo(TaskClient.HANDOVER_FETCH_TIMEOUT.toMillis() - 100)
                .isLessThan(3_500); // it did not wait for the answer
    }
}
