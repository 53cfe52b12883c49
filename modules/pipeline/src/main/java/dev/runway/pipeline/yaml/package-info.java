/**
 * YAML as people write it (anchors, aliases, merge keys) read into immutable nodes that remember file, line and
 * column, with the problems list and the limits every compilation step shares.
 */
package dev.runway.pipeline.yaml;
