/**
 * Logging for every runway process but the task agent: logback set up in code from the configuration, and the line
 * format that logback and the task agent's own provider both print.
 */
package dev.runway.cli.logging;
