package dev.runway.server.store.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class StoreInterfaceNamesItsEngine {
    private java.sql.Connection connection;
    private org.h2.Driver driver;
    private org.postgresql.Driver postgres;
    private com.zaxxer.hikari.HikariConfig pool;
}
