/**
 * The runway command line and composition root: picocli commands for the server, the launch agent, management,
 * jobs, configuration and install; the only place that writes to standard output and configures logging.
 */
package dev.runway.cli;
