/**
 * HTTP clients of the server's API: the runner protocol for the launch agent (RunnerClient) and the task agent
 * (TaskClient), management for the CLI; timeouts, retries with jitter, proxies and TLS trust.
 */
package dev.runway.client;
