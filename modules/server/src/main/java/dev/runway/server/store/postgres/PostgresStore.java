package dev.runway.server.store.postgres;

import dev.runway.server.store.SecretCipher;
import dev.runway.server.store.Store;
import dev.runway.server.store.jdbc.JdbcStore;
import java.sql.SQLException;
import java.time.Clock;

/** The {@link Store} on a PostgreSQL database that several server replicas may share ({@link PostgresEngine}). */
public final class PostgresStore {
    private PostgresStore() {}

    /**
     * Connects (the database must exist), brings its schema to the newest version and answers the store. {@code
     * password} may be null (trust or peer authentication, or a password in ~/.pgpass).
     */
    public static Store open(PostgresLocation location, String password) {
        return open(location, password, SecretCipher.NONE);
    }

    /** As {@link #open(PostgresLocation, String)}; {@code cipher} seals the secret values the store keeps. */
    public static Store open(PostgresLocation location, String password, SecretCipher cipher) {
        try {
            return JdbcStore.open(new PostgresEngine(location, password), Clock.systemUTC().millis(), cipher);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("cannot open the database " + location + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
