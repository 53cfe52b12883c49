/**
 * Process tables (/proc, the JDK's ProcessHandle) and the tree tracker that follows a task's descendants through
 * sessions, double forks and stopped processes, and signals them safely.
 */
package dev.runway.launcher.tracking;
