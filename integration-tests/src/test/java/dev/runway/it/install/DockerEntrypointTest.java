package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker image's entrypoint, without Docker (no engine runs here). First with a fake `runway` on PATH that prints
 * its arguments, environment and pid; then in a root file system laid out as the Dockerfile lays it out (the real
 * jlink image at /opt/runway, the entrypoint beside it), where the real agent starts from the environment alone,
 * claims from a loopback server and drains on SIGTERM.
 *
 * Not run here: `docker build` (the JDK build stage, apt-get, useradd in the image), the container's user switch to
 * circleci, and PID 1 semantics inside a PID namespace (the exec chain is checked: the pid stays the same).
 */
class DockerEntrypointTest {
    private static final Path ENTRYPOINT = Command.REPO.resolve("config-samples/docker/entrypoint.sh");
    private static final String TOKEN = "rc-token-d0c4e7f1a2b3";

    @TempDir
    Path temp;
    Path fakeBin;

    @BeforeEach
    void fakeRunway() throws IOException {
        fakeBin = Files.createDirectories(temp.resolve("bin"));
        Path runway = fakeBin.resolve("runway");
        Files.writeString(runway, "#!/bin/sh\necho \"pid=$$\"\necho \"args=$*\"\nenv | grep -E '^(LAUNCH_AGENT|CIRCLECI)_' | sort\n");
        Files.setPosixFilePermissions(runway, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Command entrypoint(String... args) {
        Command command = new Command(concat("/bin/sh", ENTRYPOINT.toString(), args))
                .env("PATH", fakeBin + ":/usr/bin:/bin");
        for (String name : System.getenv().keySet()) {
            if (name.startsWith("LAUNCH_AGENT_") || name.startsWith("CIRCLECI_")) {
                command.unset(name);
            }
        }
        return command;
    }

    @Test
    void withoutATokenItStopsWithCircleCisMessage() throws Exception {
        Command.Result result = entrypoint().run();

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("No API token supplied; exiting\n");
        assertThat(result.out()).as("the agent was not started").isEmpty();
    }

    @Test
    void execsTheAgentWithTheImagesDefaults() throws Exception {
        Command.Result result = entrypoint().env("CIRCLECI_API_TOKEN", TOKEN)
                .env("CIRCLECI_RESOURCE_CLASS", "my-namespace/my-class").run();

        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(result.out().lines()).contains("pid=" + result.pid(), "args=launch-agent",
                "CIRCLECI_API_TOKEN=" + TOKEN,
                "LAUNCH_AGENT_RUNNER_NAME=" + hostName(),
                "LAUNCH_AGENT_RUNNER_WORK_DIR=/var/opt/circleci/workdir",
                "LAUNCH_AGENT_RUNNER_CLEANUP_WORK_DIR=true",
                "LAUNCH_AGENT_RUNNER_DISABLE_AUTO_UPDATE=true",
                "LAUNCH_AGENT_RUNNER_LAUNCHER=subreaper");
        assertThat(result.err()).contains("CIRCLECI_RESOURCE_CLASS=my-namespace/my-class is informational")
                .doesNotContain(TOKEN);
    }

    @Test
    void settingsOfTheUserWinOverTheImagesDefaults() throws Exception {
        Command.Result result = entrypoint("--config", "/etc/opt/runway/launch-agent-config.yaml")
                .env("LAUNCH_AGENT_API_AUTH_TOKEN", TOKEN).env("LAUNCH_AGENT_RUNNER_NAME", "box-7")
                .env("CIRCLECI_RUNNER_WORK_DIR", "/work/%s").env("LAUNCH_AGENT_RUNNER_CLEANUP_WORK_DIR", "false").run();

        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(result.out().lines()).contains("args=launch-agent --config /etc/opt/runway/launch-agent-config.yaml",
                "LAUNCH_AGENT_RUNNER_NAME=box-7", "CIRCLECI_RUNNER_WORK_DIR=/work/%s",
                "LAUNCH_AGENT_RUNNER_CLEANUP_WORK_DIR=false");
        assertThat(result.out()).doesNotContain("LAUNCH_AGENT_RUNNER_WORK_DIR=");
    }

    @Test
    void aConfigFileMayHoldTheToken() throws Exception {
        Command.Result result = entrypoint("--config=/etc/opt/runway/launch-agent-config.yaml").run();

        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(result.out()).contains("args=launch-agent --config=/etc/opt/runway/launch-agent-config.yaml");
    }

    @Test
    void theRealImageStartsFromTheEnvironmentAloneAndDrainsOnSigterm() throws Exception {
        // The image's root file system as the Dockerfile builds it: /opt/runway = the jlink image + the entrypoint.
        Path rootfs = temp.resolve("rootfs");
        Path opt = Files.createDirectories(rootfs.resolve("opt/runway"));
        ServiceFilesTest.copyTree(Command.IMAGE, opt);
        Files.copy(ENTRYPOINT, opt.resolve("docker-entrypoint.sh"));
        Path home = Files.createDirectories(rootfs.resolve("home/circleci"));

        BlockingQueue<String> claims = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            claims.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
            try {
                Thread.sleep(200); // a short long-poll: no task
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        Process agent = null;
        try {
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", opt.resolve("docker-entrypoint.sh").toString())
                    .redirectErrorStream(true).redirectOutput(temp.resolve("agent.log").toFile());
            builder.environment().keySet().removeIf(n -> n.startsWith("LAUNCH_AGENT_") || n.startsWith("CIRCLECI_"));
            builder.environment().put("PATH", opt.resolve("bin") + ":/usr/bin:/bin");
            builder.environment().put("HOME", home.toString());
            builder.environment().put("CIRCLECI_API_TOKEN", TOKEN);
            builder.environment().put("LAUNCH_AGENT_API_URL", "http://127.0.0.1:" + server.getAddress().getPort());
            builder.environment().put("LAUNCH_AGENT_RUNNER_WORK_DIR", temp.resolve("workdir").toString() + "/%s");
            agent = builder.start();

            String claim = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (claim == null && agent.isAlive() && System.nanoTime() < deadline) {
                claim = claims.poll(200, TimeUnit.MILLISECONDS);
            }
            assertThat(claim).as("a claim within 60 s; agent log:\n" + log()).isNotNull();
            assertThat(claim).startsWith("POST /api/v3/runner/claim Bearer " + TOKEN)
                    .contains("\"name\":\"" + hostName() + "\"");
            // exec all the way down: the entrypoint's pid is now the JVM, and it gets the SIGTERM itself.
            assertThat(ProcessHandle.of(agent.pid()).flatMap(h -> h.info().command()).orElse(""))
                    .endsWith("/opt/runway/bin/java");

            new Command("kill", "-TERM", Long.toString(agent.pid())).run();

            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("drained within 30 s; log:\n" + log()).isTrue();
            assertThat(agent.exitValue()).as(log()).isZero();
            assertThat(log()).doesNotContain(TOKEN);
        } finally {
            if (agent != null) {
                agent.destroyForcibly();
            }
            server.stop(0);
        }
    }

    private String log() throws IOException {
        return Files.readString(temp.resolve("agent.log"));
    }

    static String hostName() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    private static String[] concat(String a, String b, String... rest) {
        return java.util.stream.Stream.concat(List.of(a, b).stream(), List.of(rest).stream()).toArray(String[]::new);
    }
}
