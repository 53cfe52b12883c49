/** The control plane: management API, runner protocol, jobs, durable store. */
module dev.runway.server {
    requires transitive dev.runway.protocol;
    requires org.eclipse.jetty.server;
    requires java.sql;
    requires com.h2database;
    requires org.slf4j;

    exports dev.runway.server;

    // the stored job definition is JSON through the shared mapper
    opens dev.runway.server to com.fasterxml.jackson.databind;
}
