/**
 * The systemd launcher: one transient service unit per task, started over D-Bus with its own cgroup and User=,
 * watched and stopped through the service manager; its standby task agent is a unit too.
 */
package dev.runway.launcher.linux.systemd;
