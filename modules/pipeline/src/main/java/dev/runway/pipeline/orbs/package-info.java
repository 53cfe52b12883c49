/**
 * Scopes of named commands, jobs and executors: the config's own, inline orbs, and registry orbs read from local
 * orb directories (never the network), with {@code orb/name} references resolved relative to where they are written.
 */
package dev.runway.pipeline.orbs;
