package dev.runway.cli;

import dev.runway.protocol.GoDuration;
import dev.runway.protocol.Names;
import dev.runway.server.ConnectionLimits;
import dev.runway.server.DataProtection;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerDatabase;
import dev.runway.server.StoreMove;
import dev.runway.server.ServerSettings;
import dev.runway.server.TlsFiles;
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
@Command(name = "server", mixinStandardHelpOptions = true, subcommands = {ServerCommand.RotateKey.class, ServerCommand.Migrate.class,
            ServerCommand.Export.class, ServerCommand.Import.class},
        description = {"Runs the control plane: the runner management API, the runner protocol and jobs.",
                "On first start it makes an admin token and keeps it in DATA/admin-token (mode 600); the management"
                    + " commands (runway namespace, runway runner, runway job) need it.",
                "Job secrets are sealed at rest (AES-GCM) with the key in $" + DataProtection.KEY_VARIABLE
                        + " (base64 of 32 bytes) or in the key file (default DATA/secrets.key, made with mode 600 on"
                        + " first start).",
                "SIGTERM or SIGINT stops it gracefully: held claims end, then it exits."})
public final class ServerCommand implements Callable<Integer> {
    /** The data directory of root's server: README, quickstart and the .deb name this one. */
    static final String ROOT_DATA_DIR = "/var/lib/runway/server";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Database, step output and admin token (default " + ROOT_DATA_DIR + " as root, else "
                    + "~/.local/share/runway/server).")
    Path dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7733",
            description = "Address to serve on (default ${DEFAULT-VALUE}; port 0 picks a free one).")
    String listen;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long a claimed task stays a runner's without a heartbeat (default ${DEFAULT-VALUE}).")
    String lease;

    @Option(names = "--max-claim-wait", paramLabel = "DURATION", defaultValue = "60s",
            description = "The longest a runner's claim is held waiting for a task; the dashboard shows a runner "
                    + "offline once it has not claimed for this long and 10s more (default ${DEFAULT-VALUE}).")
    String maxClaimWait;

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

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "2000",
            description = "Network connections served at once; past it new ones wait in the kernel's backlog "
                    + "(default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--auth-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long a connection may stay open before a request on it presents a known token "
                    + "(default ${DEFAULT-VALUE}).")
    String authTimeout;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "600",
            description = "Job submissions and job lists per token and minute; more answer 429 (default "
                    + "${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain (the server's certificate first); reloaded "
                    + "when the file changes. Without it the server speaks plain HTTP, meant for loopback.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's private key, PEM PKCS#8 (\"BEGIN PRIVATE KEY\"); reloaded with it.")
    Path tlsKey;

    @Option(names = "--strict",
            description = "Refuse to start when the data directory or a file in it is open to other users (without "
                    + "it, such modes are tightened to 0700 and 0600 and a warning is logged).")
    boolean strict;

    @Option(names = "--secrets-key-file", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The key that seals job secrets at rest (default DATA/secrets.key; ignored when $"
                    + DataProtection.KEY_VARIABLE + " is set).")
    Path secretsKeyFile;

    @Option(names = "--database", paramLabel = "URL", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = {"Keep the store in PostgreSQL, shared by every server replica given the same URL: "
                    + "postgresql://HOST[:PORT]/DATABASE?user=NAME (default $" + ServerDatabase.URL_VARIABLE
                    + "; without either, embedded H2 in the data directory).",
                    "The password never goes in the URL: see --database-password-file."})
    String database;

    @Option(names = "--database-password-file", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The PostgreSQL password, read from this file (its first line); default $"
                    + ServerDatabase.PASSWORD_VARIABLE + ".")
    Path databasePasswordFile;

    /** The store: PostgreSQL when a URL is given (option or environment), else H2 in the data directory. */
    ServerDatabase database(Map<String, String> environment) {
        String url = database != null ? database : environment.get(ServerDatabase.URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if (databasePasswordFile != null) {
                throw new IllegalArgumentException("--database-password-file: needs --database (or $"
                        + ServerDatabase.URL_VARIABLE + ")");
            }
            return ServerDatabase.EMBEDDED;
        }
        String password = environment.get(ServerDatabase.PASSWORD_VARIABLE);
        if (databasePasswordFile != null) {
            try {
                password = java.nio.file.Files.readAllLines(databasePasswordFile).stream().findFirst().orElse("");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--database-password-file: cannot read " + databasePasswordFile
                        + ": " + e.getMessage(), e);
            }
        }
        try {
            return new ServerDatabase(url.strip(), password);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((database != null ? "--database: " : "$" + ServerDatabase.URL_VARIABLE
                    + ": ") + e.getMessage(), e);
        }
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
            // an unexpected failure may carry no message: its type then says at least what went wrong
            err.println("server: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
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
        Duration leaseDuration = atLeastASecond("--lease", lease);
        HostPort address = HostPort.parse("--listen", listen);
        Path data = dataDir != null ? dataDir : defaultDataDir(System.getenv());
        Duration authentication;
        try {
            authentication = GoDuration.parse(authTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--auth-timeout: " + e.getMessage(), e);
        }
        ConnectionLimits limits;
        try {
            limits = new ConnectionLimits(maxConnections, authentication, rateLimit);
        } catch (IllegalArgumentException e) {
            // the record names its fields; the user typed options
            throw new IllegalArgumentException(e.getMessage().replace("maxConnections", "--max-connections")
                    .replace("authenticationTimeout", "--auth-timeout").replace("callsPerMinute", "--rate-limit"), e);
        }
        Duration claimWait = atLeastASecond("--max-claim-wait", maxClaimWait);
        return new ServerSettings(data, address.host(), address.port()).withLease(leaseDuration)
                .withMaxClaimWait(claimWait)
                .withProtection(DataProtection.fromEnvironment(System.getenv(), strict, secretsKeyFile))
                .withLimits(limits).withTls(tls()).withDatabase(database(System.getenv()));
    }

    /** A Go duration of at least one second, else an error that names the option. */
    private static Duration atLeastASecond(String option, String value) {
        Duration duration;
        try {
            duration = GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(option + ": must be at least 1s");
        }
        return duration;
    }

    private TlsFiles tls() {
        if (tlsCert == null && tlsKey == null) {
            return null;
        }
        if (tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both");
        }
        return new TlsFiles(tlsCert, tlsKey);
    }

    /** {@code runway server rotate-key}: a new key file; the server seals every secret with it on its next start. */
    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = {"Replaces the key file that seals job secrets with a new key.",
                    "The old key is kept beside it (FILE.previous) until the server's next start has sealed every"
                            + " stored secret with the new key; restart the server (or start it) to finish the"
                            + " rotation.",
                    "A key given in $" + DataProtection.KEY_VARIABLE + " is rotated there: start the server once"
                            + " with the new key in " + DataProtection.KEY_VARIABLE + " and the old one in "
                            + DataProtection.PREVIOUS_KEY_VARIABLE + "."})
    static final class RotateKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.ParentCommand
        ServerCommand server;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Path previous = RunwayServer.rotateSecretsKey(server.settings());
                out.println("new secrets key written; the previous key is kept in " + previous);
                out.println("restart the server: it seals every stored secret with the new key, then deletes "
                        + previous.getFileName());
                out.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("server rotate-key: " + e.getMessage());
                err.flush();
                return Runway.EXIT_INVALID;
            } catch (RuntimeException e) {
                err.println("server rotate-key: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    /** {@code runway server migrate}: the schema brought to this release's version, nothing else. */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Brings the store's schema to this release's version and exits.",
                    "runway server does the same at each start; run this first to upgrade a PostgreSQL database "
                            + "before starting the replicas of a new release."})
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.ParentCommand
        ServerCommand server;

        @Override
        public Integer call() {
            return server.runStoreCommand(spec, "migrate", () -> List.of(StoreMove.migrate(server.settings())));
        }
    }

    /** {@code runway server export DIR}: the whole store into files, with counts and checksums. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes the whole store (every table, and the step output files of an H2 data directory) "
                    + "into a new directory, with each table's rows and SHA-256 in DIR/manifest.tsv.",
                    "Stop the server first. The export holds job definitions and output: keep it private."})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.ParentCommand
        ServerCommand server;

        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "The directory to create.")
        Path dir;

        @Override
        public Integer call() {
            return server.runStoreCommand(spec, "export", () -> digestLines(StoreMove.export(server.settings(), dir),
                    "exported into " + dir));
        }
    }

    /** {@code runway server import DIR}: an export loaded into PostgreSQL, checked against its manifest. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Loads an export into the PostgreSQL database of --database, which must be empty, and "
                    + "checks every table's rows and SHA-256 against the export's manifest.",
                    "Give each replica the data directory's secrets key (or $" + DataProtection.KEY_VARIABLE
                            + "): imported job secrets stay sealed with it."})
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.ParentCommand
        ServerCommand server;

        @picocli.CommandLine.Parameters(paramLabel = "DIR", description = "A directory written by runway server export.")
        Path dir;

        @Override
        public Integer call() {
            return server.runStoreCommand(spec, "import", () -> digestLines(StoreMove.importInto(server.settings(),
                    dir), "imported from " + dir + "; every table matches the export"));
        }
    }

    private static List<String> digestLines(List<StoreMove.Table> tables, String summary) {
        List<String> lines = new ArrayList<>();
        tables.forEach(t -> lines.add(String.format("%-24s %8d rows  sha256 %s", t.name(), t.rows(), t.sha256())));
        lines.add(summary);
        return lines;
    }

    /** Runs a store command: its lines on standard output, a problem on standard error with the command's name. */
    int runStoreCommand(CommandSpec command, String name, java.util.function.Supplier<List<String>> work) {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        try {
            ServerLogs.apply();
            work.get().forEach(out::println);
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("server " + name + ": " + e.getMessage());
            err.flush();
            return Runway.EXIT_INVALID;
        } catch (RuntimeException e) {
            err.println("server " + name + ": " + e.getMessage());
            err.flush();
            return 1;
        }
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
