package dev.runway.cli;

import dev.runway.protocol.GoDuration;
import dev.runway.protocol.Names;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.server.pipeline.PipelineSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code runway server}: the control plane, until SIGTERM/SIGINT stops it gracefully. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the control plane: the runner management API, the runner protocol and jobs.",
                "Runs the control plane: CircleCI's runner management API, the runner protocol and jobs.",
                "On first start it makes an admin token and keeps it in DATA/admin-token (mode 600); the management"
                    + " commands (runway namespace, runway runner, runway job) need it.",
                "SIGTERM or SIGINT stops it gracefully: held claims end, then it exits."})
public final class ServerCommand implements Callable<Integer> {
    /** The data directory of root's server: README, quickstart and the .deb name this one. */
    static final String ROOT_DATA_DIR = "/var/lib/runway/server";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Database, step output and admin token (default " + ROOT_DATA_DIR + " as root, else "
                    + "~/.local/share/runway/server).")
    Path dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7733",
            description = "Address to serve on (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long a claimed task stays a runner's without a heartbeat (default ${DEFAULT-VALUE}).")
    String lease;

    @Option(names = "--docker-class", paramLabel = "IMAGE=NAMESPACE/CLASS",
            description = {"Runs pipeline jobs of this docker image (or of every image: default=...) on the class's",
                    "machine runners, without the image (repeatable). Unmapped docker jobs fail."})
    Map<String, String> dockerClasses = new LinkedHashMap<>();

    @Option(names = "--orb-dir", paramLabel = "DIR", description = "Server-wide orb sources (repeatable).")
    List<Path> orbDirectories = new ArrayList<>();

    /** How pipelines run: the docker image classes and orb directories given. */
    PipelineSettings pipelineSettings() {
        dockerClasses.forEach((image, rc) -> Names.resourceClass("--docker-class " + image, rc));
        return PipelineSettings.defaults().withDockerClasses(dockerClasses).withOrbDirectories(orbDirectories);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerSettings settings;
        PipelineSettings pipelines;
        try {
            settings = settings();
            pipelines = pipelineSettings();
        } catch (IllegalArgumentException e) {
            err.println("server: " + e.getMessage());
            err.flush();
            return Runway.EXIT_INVALID;
        }
        ServerLogs.apply();
        RunwayServer server;
        try {
            server = RunwayServer.start(settings, pipelines);
        } catch (RuntimeException e) {
            err.println("server: " + e.getMessage());
            err.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "runway-server-stop"));
        out.println("runway server listening on " + server.uri());
        out.println("admin token in " + server.adminTokenFile());
        out.flush();
        server.join();
        return 0;
    }

    ServerSettings settings() {
        Duration leaseDuration;
        try {
            leaseDuration = GoDuration.parse(lease);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lease: " + e.getMessage(), e);
        }
        if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--lease: must be at least 1s");
        }
        HostPort address = HostPort.parse("--listen", listen);
        Path data = dataDir != null ? dataDir : defaultDataDir(System.getenv());
        return new ServerSettings(data, address.host(), address.port()).withLease(leaseDuration);
    }

    /** Root's server keeps its data in /var/lib/runway/server; anyone else's under their home (XDG data). */
    static Path defaultDataDir(Map<String, String> environment) {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of(ROOT_DATA_DIR);
        }
        String xdg = environment.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("runway").resolve("server");
    }

    /** {@code host:port}, {@code [v6]:port}. */
    record HostPort(String host, int port) {
        static HostPort parse(String option, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException(option + ": \"" + text + "\" is not HOST:PORT (e.g. "
                        + "127.0.0.1:7733, 0.0.0.0:7733, [::1]:7733)");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(option + ": \"" + text.substring(colon + 1)
                        + "\" is not a port (0-65535)");
            }
            return new HostPort(host, port);
        }
    }

    /** The server logs what an operator needs (start, claims, lapses) at info; Jetty's and H2's chatter is cut. */
    static final class ServerLogs {
        private ServerLogs() {}

        static void apply() {
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
                ch.qos.logback.classic.LoggerContext context =
                        (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
                context.getLogger("org.eclipse.jetty").setLevel(ch.qos.logback.classic.Level.WARN);
                context.getLogger("org.h2").setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }
}
