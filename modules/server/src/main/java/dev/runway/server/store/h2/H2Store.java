package dev.runway.server.store.h2;

import dev.runway.server.store.SecretCipher;
import dev.runway.server.store.Store;
import dev.runway.server.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;

/** The {@link Store} of a server's data directory: embedded H2 ({@link H2Engine}). */
public final class H2Store {
    private H2Store() {}

    /**
     * Opens (creating when needed, upgrading its schema when older) the database in {@code dataDir}, without the
     * server's secrets key: secret values can be neither written nor read ({@link SecretCipher#NONE}).
     */
    public static Store open(Path dataDir) {
        return open(dataDir, SecretCipher.NONE);
    }

    /** As {@link #open(Path)}; {@code cipher} seals the secret values the store keeps. */
    public static Store open(Path dataDir, SecretCipher cipher) {
        try {
            return JdbcStore.open(new H2Engine(dataDir), Clock.systemUTC().millis(), cipher);
        } catch (SQLException | IllegalStateException e) {
            throw new IllegalStateException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
