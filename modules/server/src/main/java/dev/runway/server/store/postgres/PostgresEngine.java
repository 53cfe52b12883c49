package dev.runway.server.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runway.server.store.ReplicaSignals;
import dev.runway.server.store.jdbc.Engine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL through a HikariCP pool: one connection serves the store's transactions, one listens for the other
 * replicas' signals, {@link #CLAIM_LANES} run claims in parallel, the rest take advisory locks and send signals.
 * Claims lock the rows they take ({@code FOR UPDATE SKIP LOCKED}), so claimers of other replicas, and the other
 * claim lanes of this one, pass over them instead of waiting.
 */
final class PostgresEngine implements Engine {
    /** The one type name of the shared migrations that PostgreSQL spells differently (long text). */
    private static final Pattern CLOB = Pattern.compile("\\bCLOB\\b");
    /**
     * Claim transactions at once per replica: while one waits for its commit (the WAL flush) or a round trip, the
     * other runs. More lanes make smaller batches, so more transactions and commits per claim, and every lane's
     * queue read steps over the rows the others (of every replica) hold locked: with 3 replicas of 4 lanes each,
     * PostgreSQL spent about twice the CPU per claim that 2 lanes each cost it (docs/benchmarks.md).
     */
    static final int CLAIM_LANES = 2;
    private final PostgresLocation location;
    private final HikariDataSource pool;
    private final PostgresSignals signals;

    PostgresEngine(PostgresLocation location, String password) {
        this.location = location;
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {location.host()});
        source.setPortNumbers(new int[] {location.port()});
        source.setDatabaseName(location.database());
        source.setUser(location.user());
        if (password != null) {
            source.setPassword(password);
        }
        source.setApplicationName("runway-server"); // ?ApplicationName=... in the URL names a replica instead
        location.parameters().forEach((name, value) -> {
            try {
                source.setProperty(name, value);
            } catch (SQLException e) {
                throw new IllegalArgumentException("database URL: parameter " + name + ": " + e.getMessage(), e);
            }
        });
        // a cut connection must not hang a request: the kernel's keepalive finds a silent peer, the timeouts the rest
        source.setTcpKeepAlive(true);
        source.setConnectTimeout(10);
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setPoolName("runway-postgres");
        config.setMaximumPoolSize(6 + CLAIM_LANES);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        this.pool = new HikariDataSource(config);
        this.signals = new PostgresSignals(pool);
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public Connection connect() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Class 08 (connection exception) and 57P (the server shut the session down, e.g. pg_terminate_backend). The
     * pool's idle connections went the same way (a restarted database server): they are replaced too.
     */
    @Override
    public boolean closedTheDatabase(SQLException e) {
        String state = e.getSQLState();
        boolean lost = state != null && (state.startsWith("08") || state.startsWith("57P"));
        if (lost) {
            pool.getHikariPoolMXBean().softEvictConnections();
        }
        return lost;
    }

    /** Rewrites the jobs table (the only one that held secrets in plain text) so no dead row version keeps them. */
    @Override
    public void compact(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("VACUUM FULL jobs");
        }
    }

    @Override
    public String migrationStatement(String statement) {
        return CLOB.matcher(statement).replaceAll("TEXT");
    }

    @Override
    public String claimLock() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public int claimLanes() {
        return CLAIM_LANES;
    }

    @Override
    public boolean replicated() {
        return true;
    }

    @Override
    public ReplicaSignals signals() {
        return signals;
    }

    /**
     * A transaction-scoped advisory lock on a connection of its own, held while {@code work} runs its own
     * transactions: a replica that finds it taken skips this round.
     */
    @Override
    public boolean exclusively(String task, Runnable work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, lockKey(task));
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next() || !row.getBoolean(1)) {
                        connection.rollback();
                        return false;
                    }
                }
                try {
                    work.run();
                } finally {
                    connection.commit(); // releases the lock
                }
                return true;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error: advisory lock for " + task + ": " + e.getMessage(), e);
        }
    }

    /** A stable 64-bit key per task name, the same in every replica. */
    static long lockKey(String task) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("runway:" + task)
                    .getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = key << 8 | (digest[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        signals.close();
        pool.close();
    }
}
