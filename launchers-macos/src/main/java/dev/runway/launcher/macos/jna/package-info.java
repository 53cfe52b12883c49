/**
 * The native calls of the macOS launcher through JNA: libproc's process listing and BSD info, sysctl's process
 * arguments, kill.
 */
package dev.runway.launcher.macos.jna;
