package dev.runway.cli.taskagent;

import dev.runway.cli.logging.LogLines;
import dev.runway.config.Secret;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The task agent's logging: text lines ({@link LogLines#text}) on standard error, INFO and up, secrets masked. The
 * launch agent keeps what a task agent prints, so it needs no files, formats or levels to choose from; and logback's
 * set-up would cost each task agent about 30 ms of its start. {@link #select} makes slf4j use it.
 */
public final class TaskAgentLog implements SLF4JServiceProvider {
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private final Loggers loggers = new Loggers(System.err);

    /** For this process, before anything logs: slf4j takes this provider instead of looking for one (logback). */
    public static void select() {
        System.setProperty("slf4j.provider", TaskAgentLog.class.getName());
        // slf4j says on standard error which provider it loads, once per process: a line in every task's log
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    /**
     * Masks {@code secret} in every line from now on (as {@link dev.runway.cli.logging.Logging#configure} does for
     * logback).
     */
    static void mask(Secret secret) {
        if (secret != null && secret.reveal().length() >= 4) {
            SECRETS.add(secret.reveal());
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return new BasicMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return new NOPMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read or open
    }

    /** One logger per name, all writing to the same stream. */
    static final class Loggers implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();
        private final PrintStream out;

        Loggers(PrintStream out) {
            this.out = out;
        }

        @Override
        public Logger getLogger(String name) {
            // no lambda: the first task agent logger is made on the way to the first step, where a lambda that the
            // JVM has to generate costs milliseconds
            Logger logger = byName.get(name);
            if (logger == null) {
                Logger made = new LineLogger(name, out);
                logger = byName.putIfAbsent(name, made);
                return logger == null ? made : logger;
            }
            return logger;
        }
    }

    private static final class LineLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient PrintStream out;

        LineLogger(String name, PrintStream out) {
            this.name = name;
            this.out = out;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable thrown) {
            String stackTrace = null;
            if (thrown != null) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                stackTrace = trace.toString().stripTrailing();
            }
            String line = LogLines.text(System.currentTimeMillis(), level.toString(), null,
                    Thread.currentThread().getName(), name, MessageFormatter.basicArrayFormat(pattern, arguments),
                    stackTrace);
            out.print(LogLines.mask(line, SECRETS));
            out.flush();
        }
    }
}
