/**
 * The subreaper launcher for Linux without systemd (a container's PID 1): the agent becomes a child subreaper, so
 * orphans of a task come back to it, are attributed to their task and are killed with it.
 */
package dev.runway.launcher.linux.subreaper;
