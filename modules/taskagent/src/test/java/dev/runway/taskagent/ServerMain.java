package dev.runway.taskagent;

import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.nio.file.Path;

/** The server in a JVM of its own, so a test can kill it: {@code DATA_DIR PORT}; prints "URI ADMIN_TOKEN". */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        RunwayServer server = RunwayServer.start(new ServerSettings(Path.of(args[0]), "127.0.0.1",
                Integer.parseInt(args[1])));
        System.out.println(server.uri() + " " + server.adminToken());
        System.out.flush();
        server.join();
    }
}
