package dev.runway.server.store.h2;

import dev.runway.server.store.jdbc.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * H2 on the file {@code DATA/runway.mv.db}. {@code WRITE_DELAY=0} writes every commit to the file before the call
 * returns, so a kill -9 loses nothing that was acknowledged. {@code PAGE_SIZE=4096} splits B-tree pages at 4 KiB
 * instead of H2's 16 KiB: a commit rewrites every page its changes touched, and a claim's changes are a few rows,
 * so smaller pages are fewer bytes serialised and written per claim (a setting of the running store, not of the
 * file: a database created with the default opens unchanged).
 */
final class H2Engine implements Engine {
    private final Path dataDir;
    private final String url;

    H2Engine(Path dataDir) {
        this.dataDir = dataDir;
        this.url = "jdbc:h2:file:" + dataDir.resolve("runway").toAbsolutePath()
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64;PAGE_SIZE=4096";
    }

    @Override
    public String describe() {
        return dataDir.toString();
    }

    @Override
    public Connection connect() throws SQLException {
        return new org.h2.Driver().connect(url, new Properties());
    }

    /** H2's codes for "the database has been closed" and for a failed write underneath (e.g. no space left). */
    @Override
    public boolean closedTheDatabase(SQLException e) {
        return e.getErrorCode() == 90098 || e.getErrorCode() == 50000;
    }

    /** H2 writes the live data into a new file and replaces the old one with it; the database closes. */
    @Override
    public void compact(Connection connection) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        }
    }
}
