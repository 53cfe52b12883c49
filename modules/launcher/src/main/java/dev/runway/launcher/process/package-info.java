/**
 * The portable process launcher: command_prefix plus the task-agent arguments, a new session, an environment
 * marker, and the whole process tree tracked and killed at the end.
 */
package dev.runway.launcher.process;
