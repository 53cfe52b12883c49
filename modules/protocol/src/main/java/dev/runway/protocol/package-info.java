/**
 * The wire contract shared by the server, the agents and the CLI: API paths, request and answer records, their
 * JSON mapping, job definitions and naming rules.
 */
package dev.runway.protocol;
