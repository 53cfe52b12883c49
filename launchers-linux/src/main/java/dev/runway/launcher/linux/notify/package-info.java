/**
 * The systemd ServiceNotifier: READY, STATUS, STOPPING and WATCHDOG messages to the service manager through
 * sd_notify.
 */
package dev.runway.launcher.linux.notify;
