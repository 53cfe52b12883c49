/** The store on an embedded H2 database file in the server's data directory: the only code that names H2. */
package dev.runway.server.store.h2;
