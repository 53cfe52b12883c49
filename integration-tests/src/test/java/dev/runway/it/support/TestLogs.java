package dev.runway.it.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels for tests that run a server in this JVM: without a logback configuration on the test class path
 * everything logs at DEBUG, and Jetty's DEBUG lines slow a request-heavy test down many times over.
 */
public final class TestLogs {
    private TestLogs() {}

    /** INFO for everything, WARN for Jetty (when logback is the backend; otherwise nothing to do). */
    public static void quiet() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
            context.getLogger("org.eclipse.jetty").setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
