package dev.runway.it.support;

import static org.awaitility.Awaitility.await;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code bin/runway server} of the built image as a child process (optionally under a prefix such as
 * {@code ip netns exec NAME}), so that it can be killed with SIGKILL and restarted on the same data directory and
 * port. Its output goes to one log file, appended across restarts.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("runway server listening on http://\\S+:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<String> prefix;
    private final Path dataDir;
    private final Path log;
    private final String host;
    private final String lease;
    private final List<String> arguments;
    private final java.util.Map<String, String> environment;
    private int port;
    private Process process;

    private ServerProcess(List<String> prefix, Path dataDir, Path log, String host, int port, String lease,
            List<String> arguments, java.util.Map<String, String> environment) {
        this.arguments = List.copyOf(arguments);
        this.environment = java.util.Map.copyOf(environment);
        this.prefix = List.copyOf(prefix);
        this.dataDir = dataDir;
        this.log = log;
        this.host = host;
        this.port = port;
        this.lease = lease;
    }

    /** Starts a server on {@code host:port} (0: any free port) with the given lease (a Go duration). */
    public static ServerProcess start(List<String> prefix, Path dataDir, Path log, String host, int port,
            String lease) throws IOException, InterruptedException {
        return start(prefix, dataDir, log, host, port, lease, List.of());
    }

    /** As {@link #start(List, Path, Path, String, int, String)}, with further options of {@code runway server}. */
    public static ServerProcess start(List<String> prefix, Path dataDir, Path log, String host, int port,
            String lease, List<String> options) throws IOException, InterruptedException {
        return start(prefix, dataDir, log, host, port, lease, options, java.util.Map.of());
    }

    /** As above, with further options (e.g. {@code --database URL}) and environment variables for the server. */
    public static ServerProcess start(List<String> prefix, Path dataDir, Path log, String host, int port,
            String lease, List<String> arguments, java.util.Map<String, String> environment)
            throws IOException, InterruptedException {
        ServerProcess server = new ServerProcess(prefix, dataDir, log, host, port, lease, arguments, environment);
        server.start();
        return server;
    }

    /** Starts it again where it was (same data directory, same port) after {@link #kill()} or a crash. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the server is still running (pid " + process.pid() + ")");
        }
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(RunwayImage.runway().toString(), "server", "--data-dir", dataDir.toString(),
                "--listen", host + ":" + port, "--lease", lease));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
        port = awaitListening(logStart);
    }

    private int awaitListening(long logStart) throws IOException {
        try {
            return await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).pollDelay(Duration.ZERO)
                    .until(() -> {
                        Matcher matcher = LISTENING.matcher(logSince(logStart));
                        if (matcher.find()) {
                            return Integer.parseInt(matcher.group(1));
                        }
                        if (!process.isAlive()) {
                            throw new IOException("runway server exited with " + process.exitValue() + ":\n"
                                    + logSince(logStart));
                        }
                        return null;
                    }, Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new IOException("runway server did not listen within " + START_TIMEOUT + ":\n"
                    + logSince(logStart), e);
        }
    }

    private String logSince(long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                StandardCharsets.UTF_8);
    }

    /** SIGKILL, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log() {
        return log;
    }

    /** The admin token the server wrote into its data directory on first start. */
    public String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token")).strip();
    }

    /** A management client reaching the server at {@code base} (its own address, or a relay to it). */
    public ManagementClient management(URI base) throws IOException {
        return new ManagementClient(new HttpTransport(base, Duration.ofSeconds(20)), adminToken());
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
