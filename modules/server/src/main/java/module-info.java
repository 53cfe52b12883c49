/** The control plane: management API, runner protocol, jobs, durable store; it mounts the web dashboard. */
module dev.runway.server {
    requires transitive dev.runway.protocol;
    requires transitive dev.runway.pipeline;
    requires dev.runway.dashboard;
    requires org.eclipse.jetty.server;
    requires java.sql;
    requires com.h2database;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires org.slf4j;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.common;
    requires io.prometheus.metrics.instrumentation.jvm;

    exports dev.runway.server;
    exports dev.runway.server.pipeline;

    // the stored job definition is JSON through the shared mapper
    opens dev.runway.server to com.fasterxml.jackson.databind;
    // a workflow job's stored spec is JSON through the shared mapper
    opens dev.runway.server.pipeline to com.fasterxml.jackson.databind;
    // the sweeper's answer (runway gc) is JSON through the shared mapper
    opens dev.runway.server.blobs to com.fasterxml.jackson.databind;
}
