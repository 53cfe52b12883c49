/** The launch agent's lifecycle: claim loop, supervision, drain, modes, health. */
module dev.runway.agent {
    requires transitive dev.runway.config;
    requires transitive dev.runway.client;
    requires transitive dev.runway.launcher;
    requires org.slf4j;
    requires jdk.httpserver;
    requires jdk.unsupported;

    exports dev.runway.agent;

    // TaskStateStore's records are read and written with the shared Jackson mapper.
    opens dev.runway.agent to com.fasterxml.jackson.databind;

    uses dev.runway.launcher.ServiceNotifier;
}
