/**
 * What the modules' tests share: a real Runway server to drive, a systemd booted in a namespace of its own, /proc
 * scans for the processes a test started, system roots for install tests, directories another user can reach, and
 * Awaitility, the one way tests wait for a condition.
 */
module dev.runway.testsupport {
    requires transitive dev.runway.server;
    requires transitive dev.runway.client;
    requires transitive dev.runway.protocol;
    requires transitive awaitility;
    requires org.junit.jupiter.api;
    requires org.assertj.core;

    exports dev.runway.testsupport;
}
