/**
 * What the task agent's cache, workspace and artifact steps do with files: tar + zstd archives that keep modes,
 * symlinks, mtimes (and owners as root) and refuse entries that would escape their target, cache key templates, and
 * path globs.
 */
package dev.runway.taskagent.storage;
