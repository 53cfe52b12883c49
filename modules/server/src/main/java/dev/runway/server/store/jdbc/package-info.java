/**
 * The store's repositories over JDBC in portable SQL, the connection and transaction plumbing ({@link
 * dev.runway.server.store.jdbc.Database}) and the versioned schema ({@link dev.runway.server.store.jdbc.Migrations}).
 * An engine (H2 in {@code store.h2}) supplies only its connections and its error codes ({@link
 * dev.runway.server.store.jdbc.Engine}).
 */
package dev.runway.server.store.jdbc;
