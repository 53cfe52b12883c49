/** Wire records and JSON mapping shared by the server, the agents and the CLI. */
module dev.runway.protocol {
    requires transitive com.fasterxml.jackson.databind;

    exports dev.runway.protocol;

    opens dev.runway.protocol to com.fasterxml.jackson.databind;
}
