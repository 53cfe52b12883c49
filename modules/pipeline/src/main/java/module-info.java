/**
 * Compiles a CircleCI {@code .circleci/config.yml} (2.1, and 2.0 as is) with pipeline values and local orb sources
 * into the pipeline model the server schedules, offline.
 */
module dev.runway.pipeline {
    requires transitive dev.runway.protocol;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;

    exports dev.runway.pipeline;
}
