/**
 * The web dashboard of {@code runway server}: server-rendered pages and live step output (Server-Sent Events), every
 * datum read through the server's own HTTP API with the signed-in token, as the CLI reads it. No web server of its
 * own: the server hands it requests ({@link dev.runway.dashboard.WebRequest}) and writes its answers.
 */
module dev.runway.dashboard {
    requires transitive dev.runway.client;
    requires org.slf4j;

    exports dev.runway.dashboard;
}
