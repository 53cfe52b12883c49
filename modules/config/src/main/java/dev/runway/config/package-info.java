/**
 * CircleCI's launch-agent-config.yaml and its environment overrides turned into immutable configuration records,
 * with every problem reported by file, line, column and key, and secrets redacted.
 */
package dev.runway.config;
