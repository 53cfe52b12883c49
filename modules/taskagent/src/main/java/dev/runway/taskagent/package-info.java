/**
 * The task agent: fetches its job with its task token, runs the steps in process groups with their shells and
 * timeouts, and streams every byte of their output, secrets masked, to the server by offset.
 */
package dev.runway.taskagent;
