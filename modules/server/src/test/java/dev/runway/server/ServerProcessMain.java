package dev.runway.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs a server in its own JVM (for the kill -9 tests): prints "LISTENING <uri>", then serves until killed. */
public final class ServerProcessMain {
    private ServerProcessMain() {}

    public static void main(String[] args) throws Exception {
        RunwayServer server = RunwayServer.start(new ServerSettings(Path.of(args[0]), "127.0.0.1", 0));
        System.out.println("LISTENING " + server.uri());
        System.out.flush();
        server.join();
    }

    /** A server started by {@link #launch}: its process and where it listens. */
    record Launched(Process process, URI uri) {}

    /** Starts this main in a JVM of its own on {@code data} (its log beside it) and waits until it listens. */
    static Launched launch(Path data) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerProcessMain.class.getName(), data.toString())
                .redirectError(data.resolveSibling(data.getFileName() + "-server.log").toFile())
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
