/**
 * runway server: the control plane's HTTP routes on Jetty (CircleCI's management API, the runner protocol, jobs),
 * authentication, long-poll claims, leases and the lease reaper, output files by byte offset.
 */
package dev.runway.server;
