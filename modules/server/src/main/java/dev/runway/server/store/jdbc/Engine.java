package dev.runway.server.store.jdbc;

import dev.runway.server.store.ReplicaSignals;
import java.sql.Connection;
import java.sql.SQLException;

/** What a database engine supplies to the JDBC store: its connections, and which errors closed the database. */
public interface Engine {
    /** Where the database is, for messages (never with a password). */
    String describe();

    /** A new connection to the database, which is created when it does not exist yet. */
    Connection connect() throws SQLException;

    /**
     * Whether the engine closed the database after this error (e.g. a failed write on a full disk): the next
     * transaction then connects anew instead of using the closed connection.
     */
    boolean closedTheDatabase(SQLException e);

    /**
     * Rewrites the database files so that no replaced data remains in them; may close the database ({@code
     * connection} is not used afterwards: the store connects anew).
     */
    void compact(Connection connection) throws SQLException;

    /** A statement of the shared migrations as this engine spells it (e.g. a type name); the same by default. */
    default String migrationStatement(String statement) {
        return statement;
    }

    /**
     * What a claim appends to its SELECT of the next queued job so that claimers of other processes on the same
     * database skip the row it took (e.g. {@code FOR UPDATE SKIP LOCKED}); empty for an engine of one process, whose
     * claims the store serialises itself.
     */
    default String claimLock() {
        return "";
    }

    /**
     * How many claim transactions may run at once, each on a connection of its own: more than 1 only where claims
     * lock the rows they take ({@link #claimLock}) and {@link #connect} draws from a pool.
     */
    default int claimLanes() {
        return 1;
    }

    /** Whether several server processes may share this database. */
    default boolean replicated() {
        return false;
    }

    /** Wake-ups between the processes sharing the database. */
    default ReplicaSignals signals() {
        return ReplicaSignals.NONE;
    }

    /** Runs {@code work} unless another process runs the task of this name now; answers whether it ran. */
    default boolean exclusively(String task, Runnable work) {
        work.run();
        return true;
    }

    /** Releases what the engine holds (a pool, a listening connection); called after the store's connection closed. */
    default void close() {}
}
