/** The control plane: management API, runner protocol, jobs, durable store. */
module dev.runway.server {
    requires transitive dev.runway.protocol;
    requires transitive dev.runway.pipeline;
    requires org.eclipse.jetty.server;
    requires java.sql;
    requires com.h2database;
    requires org.slf4j;

    exports dev.runway.server;
    exports dev.runway.server.pipeline;

    // the stored job definition is JSON through the shared mapper
    opens dev.runway.server to com.fasterxml.jackson.databind;
    // a workflow job's stored spec is JSON through the shared mapper
    opens dev.runway.server.pipeline to com.fasterxml.jackson.databind;
    // the sweeper's answer (runway gc) is JSON through the shared mapper
    opens dev.runway.server.blobs to com.fasterxml.jackson.databind;
}
