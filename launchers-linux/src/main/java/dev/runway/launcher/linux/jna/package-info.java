/**
 * The native calls of the Linux launchers through JNA: libc (signals, prctl, pipes, unix sockets) and libsystemd's
 * sd-bus and sd_notify. Nothing outside launchers-linux sees these types.
 */
package dev.runway.launcher.linux.jna;
