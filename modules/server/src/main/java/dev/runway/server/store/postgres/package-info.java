/**
 * The store on PostgreSQL, shared by several server replicas: a HikariCP pool, row locks for claims, LISTEN/NOTIFY
 * wake-ups between replicas and advisory locks for periodic tasks. The only code that names PostgreSQL or HikariCP.
 */
package dev.runway.server.store.postgres;
