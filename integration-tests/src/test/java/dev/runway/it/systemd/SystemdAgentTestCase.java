package dev.runway.it.systemd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with its own {@link SystemdAgentHarness}: systemd booted and server started before, both gone after. */
abstract class SystemdAgentTestCase {
    static SystemdAgentHarness harness;

    @BeforeAll
    static void startHarness() throws Exception {
        harness = SystemdAgentHarness.start();
    }

    @AfterAll
    static void stopHarness() {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }
}
