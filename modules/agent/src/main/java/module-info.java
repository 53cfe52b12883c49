/** The launch agent's lifecycle: claim loop, supervision, drain, modes, health. */
module dev.runway.agent {
    requires transitive dev.runway.config;
    requires transitive dev.runway.client;
    requires transitive dev.runway.launcher;
    requires org.slf4j;
}
