package dev.runway.server.store.jdbc;

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
}
