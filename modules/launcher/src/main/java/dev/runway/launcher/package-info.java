/**
 * The Launcher SPI: how a task agent is started (LaunchSpec), watched and killed with everything it started
 * (TaskProcess), how leftovers of a crash are found, and how providers are chosen (Launchers).
 */
package dev.runway.launcher;
