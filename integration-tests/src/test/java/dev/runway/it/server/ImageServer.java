package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.it.support.RunwayImage;
import dev.runway.it.support.ServerProcess;
import dev.runway.testsupport.ServerFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link ServerFixture} of {@code bin/runway server} of the built image, run as a child process, with the image's
 * CLI run as child processes against it, as an operator would.
 */
final class ImageServer extends ServerFixture {
    final Path home;
    final ServerProcess server;

    record Run(int exit, String out) {}

    private ImageServer(Path home, ServerProcess server) throws IOException {
        super(URI.create("http://127.0.0.1:" + server.port()), server.adminToken(), server);
        this.home = home;
        this.server = server;
    }

    /** Starts the image's server with its data under {@code home} and the given lease (a Go duration). */
    static ImageServer start(Path home, String lease) throws IOException, InterruptedException {
        ServerProcess server = ServerProcess.start(List.of(), home.resolve("data"), home.resolve("server.log"),
                "127.0.0.1", 0, lease);
        try {
            return new ImageServer(home, server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Runs {@code bin/runway ARGS} with RUNWAY_HOST and CIRCLE_TOKEN set, as an operator would. */
    Run runway(String... args) throws IOException, InterruptedException {
        Process process = builder(args).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** {@code bin/runway ARGS} to start, with the environment of {@link #runway}. */
    ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(RunwayImage.runway().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("RUNWAY_HOST", uri().toString());
        environment.put("CIRCLE_TOKEN", adminToken());
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        environment.put("XDG_DATA_HOME", home.resolve("share").toString());
        return builder;
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
}
