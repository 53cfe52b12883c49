package dev.runway.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Runs a server in its own JVM (for the kill -9 and exhaustion tests): prints "LISTENING <uri>", then serves until
 * killed. Arguments: the data directory, then optionally the connection limit and the authentication timeout (ms).
 */
public final class ServerProcessMain {
    private ServerProcessMain() {}

    public static void main(String[] args) throws Exception {
        ServerSettings settings = new ServerSettings(Path.of(args[0]), "127.0.0.1", 0);
        if (args.length > 1) {
            settings = settings.withLimits(new ConnectionLimits(Integer.parseInt(args[1]),
                    java.time.Duration.ofMillis(Long.parseLong(args[2])), ConnectionLimits.DEFAULT.callsPerMinute()));
        }
        RunwayServer server = RunwayServer.start(settings);
        System.out.println("LISTENING " + server.uri());
        System.out.flush();
        server.join();
    }

    /** Where a launched server's log (its standard error) goes. */
    static Path log(Path data) {
        return data.resolveSibling(data.getFileName() + "-server.log");
    }

    /** A server started by {@link #launch}: its process and where it listens. */
    record Launched(Process process, URI uri) {}

    /** Starts this main in a JVM of its own on {@code data} (its log beside it) and waits until it listens. */
    static Launched launch(Path data) throws IOException {
        return launch(data, java.util.List.of(), java.util.List.of());
    }

    /** As {@link #launch(Path)}, with JVM options (e.g. a small -Xmx) and the optional arguments of main. */
    static Launched launch(Path data, java.util.List<String> jvmOptions, java.util.List<String> arguments)
            throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"),
                ServerProcessMain.class.getName(), data.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .redirectError(log(data).toFile())
                .start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            throw new IOException("the server did not start: " + line);
        }
        return new Launched(process, URI.create(line.substring("LISTENING ".length())));
    }
}
