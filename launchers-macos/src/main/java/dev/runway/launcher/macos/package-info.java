/**
 * The macOS launcher provider: the process launcher's tree tracking on a libproc process table and the sudo user
 * switch.
 */
package dev.runway.launcher.macos;
