/**
 * runway install and uninstall: the job user, directories, the root-only configuration, the systemd unit or
 * launchd plist, as a list of idempotent steps that --dry-run prints.
 */
package dev.runway.cli.install;
