package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.RunnerClient;
import dev.runway.client.TaskClient;
import dev.runway.it.support.RunwayImage;
import dev.runway.it.support.ServerProcess;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/runway server} of the built image as a child process, the image's CLI run as child processes against
 * it, and a simulated runner speaking the real runner protocol (with heartbeats, as a launch agent sends them).
 */
final class ServerFixture implements AutoCloseable {
    final Path home;
    final ServerProcess server;
    private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(4);

    record Run(int exit, String out) {}

    ServerFixture(Path home, String lease) throws IOException, InterruptedException {
        this.home = home;
        this.server = ServerProcess.start(List.of(), home.resolve("data"), home.resolve("server.log"), "127.0.0.1",
                0, lease);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    ManagementClient admin() throws IOException {
        return server.management(uri());
    }

    RunnerClient runner(String token) {
        return new RunnerClient(new HttpTransport(uri(), Duration.ofSeconds(30)), token);
    }

    static ClaimRequest claim(String name, int waitSeconds) {
        return new ClaimRequest(name, name + ".example", "9.9.9", "linux", "amd64", 1, waitSeconds);
    }

    /** Runs {@code bin/runway ARGS} with RUNWAY_HOST and CIRCLE_TOKEN set, as an operator would. */
    Run runway(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RunwayImage.runway().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("RUNWAY_HOST", uri().toString());
        environment.put("CIRCLE_TOKEN", server.adminToken());
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        environment.put("XDG_DATA_HOME", home.resolve("share").toString());
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** {@link #runway} that must succeed. */
    Run ok(String... args) throws IOException, InterruptedException {
        Run run = runway(args);
        assertThat(run.exit()).as(String.join(" ", args) + ":\n" + run.out()).isZero();
        return run;
    }

    /** The token in the launch-agent config that {@code runway runner token create} printed. */
    static String tokenIn(String output) {
        Matcher secret = Pattern.compile("auth_token: ([0-9a-f]{64})").matcher(output);
        assertThat(secret.find()).as(output).isTrue();
        return secret.group(1);
    }

    /** Heartbeats for {@code task} every 300 ms until canceled; failures (server down) are retried next beat. */
    ScheduledFuture<?> keepAlive(TaskClient task) {
        return heartbeats.scheduleWithFixedDelay(() -> {
            try {
                task.heartbeat();
            } catch (Exception e) {
                // the server may be down for a moment (killed and restarted)
            }
        }, 0, 300, TimeUnit.MILLISECONDS);
    }

    static <T> T waitFor(Callable<T> probe, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        T last = probe.call();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 60 s; last: " + last);
            }
            Thread.sleep(200);
            last = probe.call();
        }
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        heartbeats.shutdownNow();
        server.close();
    }
}
