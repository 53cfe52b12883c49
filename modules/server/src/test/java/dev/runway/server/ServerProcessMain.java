package dev.runway.server;

import java.nio.file.Path;

/** Runs a server in its own JVM (for the kill -9 test): prints "LISTENING <uri>", then serves until killed. */
public final class ServerProcessMain {
    private ServerProcessMain() {}

    public static void main(String[] args) throws Exception {
        RunwayServer server = RunwayServer.start(new ServerSettings(Path.of(args[0]), "127.0.0.1", 0));
        System.out.println("LISTENING " + server.uri());
        System.out.flush();
        server.join();
    }
}
