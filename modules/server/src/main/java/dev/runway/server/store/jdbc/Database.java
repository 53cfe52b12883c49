package dev.runway.server.store.jdbc;

import dev.runway.server.store.StoreRefusal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection, one transaction per {@link #tx} call, serialised on this object: the work per call is tiny and
 * this keeps claims trivially race-free. After an error that closed the database the next transaction connects
 * anew. An engine whose claims lock the rows they take also runs claims in parallel, each batch on a connection of
 * its own ({@link #laneTx}). The statement helpers are for use inside {@link #tx} or {@link #laneTx} only.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final Engine engine;
    private Connection connection;
    /** The connection of the {@link #laneTx} running on this thread, if any: the statement helpers use it. */
    private final ThreadLocal<Connection> lane = new ThreadLocal<>();
    /** Set when the engine closed the database after an error: the next transaction opens it again first. */
    private boolean broken;

    private Database(Engine engine, Connection connection) {
        this.engine = engine;
        this.connection = connection;
    }

    static Database open(Engine engine) throws SQLException {
        return new Database(engine, connect(engine));
    }

    private static Connection connect(Engine engine) throws SQLException {
        Connection connection = engine.connect();
        if (connection == null) {
            throw new IllegalStateException("the database driver refused " + engine.describe());
        }
        connection.setAutoCommit(false);
        return connection;
    }

    /**
     * An engine may close the whole database after a failed write (a full disk, found by the fault-injection suite)
     * and never open it again by itself; a new connection opens it anew from its last commit once the disk has room.
     */
    private void reopen() {
        try {
            connection.close();
        } catch (SQLException alreadyClosed) {
            // nothing left to close
        }
        try {
            connection = connect(engine);
            broken = false;
        } catch (SQLException e) {
            throw new IllegalStateException("database error: the database closed after an error and cannot be "
                    + "opened again yet: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} as one transaction; a broken constraint is a {@link StoreRefusal.Reason#CONFLICT}. When the
     * connection was lost before the commit was sent (a database server restarted, a connection cut by an operator)
     * nothing was written: the work runs once more on a new connection.
     */
    synchronized <T> T tx(Work<T> work) {
        try {
            return attempt(work);
        } catch (ConnectionLost lost) {
            LOG.warn("database connection lost ({}); running the transaction again on a new connection",
                    lost.getCause().getMessage());
            try {
                return attempt(work);
            } catch (ConnectionLost again) {
                throw failure(again.getCause());
            }
        }
    }

    /** The connection broke before the commit: nothing of the transaction was written. */
    private static final class ConnectionLost extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectionLost(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private <T> T attempt(Work<T> work) throws ConnectionLost {
        if (broken) {
            reopen();
        }
        boolean committing = false;
        try {
            T result = work.run();
            committing = true;
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            broken = e instanceof SQLException && engine.closedTheDatabase((SQLException) e);
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            if (broken && !committing && engine.replicated()) {
                throw new ConnectionLost((SQLException) e);
            }
            throw failure((SQLException) e);
        }
    }

    private static RuntimeException failure(SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
            return new StoreRefusal(StoreRefusal.Reason.CONFLICT, "already exists or still in use: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }

    /**
     * Runs {@code work} as one transaction on a connection of its own, beside the serialised ones of {@link #tx}
     * (which it neither waits for nor blocks): only for work that is correct against other processes sharing the
     * database, such as claims that lock the rows they take. Retried once on a new connection when the connection
     * was lost before the commit was sent, like {@link #tx}.
     */
    <T> T laneTx(Work<T> work) {
        for (int round = 1; ; round++) {
            Connection own;
            try {
                own = connect(engine);
            } catch (SQLException e) {
                throw failure(e);
            }
            lane.set(own);
            boolean committing = false;
            try {
                T result = work.run();
                committing = true;
                own.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    own.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                if (e instanceof RuntimeException) {
                    throw (RuntimeException) e;
                }
                SQLException sql = (SQLException) e;
                boolean lost = engine.closedTheDatabase(sql);
                if (lost && !committing && round == 1) {
                    LOG.warn("database connection lost ({}); running the transaction again on a new connection",
                            sql.getMessage());
                    continue;
                }
                throw failure(sql);
            } finally {
                lane.remove();
                try {
                    own.close();
                } catch (SQLException closing) {
                    LOG.debug("closing a claim connection: {}", closing.getMessage());
                }
            }
        }
    }

    /** How many {@link #laneTx} transactions may run at once for claims (1: claims go through {@link #tx}). */
    int claimLanes() {
        return engine.claimLanes();
    }

    /** The connection of the transaction running now (inside {@link #tx} only): for metadata and batches. */
    Connection connection() {
        Connection own = lane.get();
        return own != null ? own : connection;
    }

    /** The engine's lock clause for a claim's SELECT (see {@link Engine#claimLock}). */
    String claimLock() {
        return engine.claimLock();
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection().prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg == null) {
                // no type: the engine takes the column's (PostgreSQL refuses a VARCHAR null for a BIGINT column)
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, arg);
            }
        }
        return statement;
    }

    /** Runs an insert, update, delete or DDL statement; answers the rows it changed. */
    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        }
    }

    /** Runs one insert, update or delete once per row of {@code rows}, in one round trip; answers each's row count. */
    int[] batch(String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == null) {
                        statement.setNull(i + 1, Types.NULL); // the column's type, as in prepare
                    } else {
                        statement.setObject(i + 1, row[i]);
                    }
                }
                statement.addBatch();
            }
            return statement.executeBatch();
        }
    }

    <T> List<T> query(RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        }
    }

    <T> Optional<T> one(RowMapper<T> mapper, String sql, Object... args) throws SQLException {
        List<T> rows = query(mapper, sql, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Compacts the database (see {@link Engine#compact}) and connects anew. */
    synchronized void compact() {
        try {
            connection.commit();
            engine.compact(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("compacting the database: " + e.getMessage(), e);
        } finally {
            reopen();
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing the database: " + e.getMessage(), e);
        }
    }
}
