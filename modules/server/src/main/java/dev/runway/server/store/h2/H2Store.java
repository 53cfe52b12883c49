package dev.runway.server.store.h2;

import dev.runway.server.store.Store;
import dev.runway.server.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;

/** The {@link Store} of a server's data directory: embedded H2 ({@link H2Engine}). */
public final class H2Store {
    private H2Store() {}

    /** Opens (creating when needed, upgrading its schema when older) the database in {@code dataDir}. */
    public static Store open(Path dataDir) {
        try {
            return JdbcStore.open(new H2Engine(dataDir), Clock.systemUTC().millis());
        } catch (SQLException | IllegalStateException e) {
            throw new IllegalStateException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
