/**
 * The server's Prometheus metrics: the counters its routes and lease reaper feed, the store's queue figures read at
 * each scrape, the JVM's and the process's, and the text the {@code /metrics} route answers.
 */
package dev.runway.server.metrics;
