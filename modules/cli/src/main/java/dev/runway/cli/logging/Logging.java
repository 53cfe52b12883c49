package dev.runway.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.JsonEscapeUtil;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.config.Logging.Format;
import dev.runway.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The logging backend (logback), set up in code from the configuration's {@code logging:} section: no logback.xml
 * is read. {@code file} "-" is standard error; formats text, color, json and none; a file rotates by size, keeping
 * {@code max_files} old ones as {@code FILE.1} (newest) to {@code FILE.N}. Secrets handed in are masked in every line.
 */
public final class Logging {
    /** The set-up a process has before it calls {@link #configure}: text lines on standard error, INFO and up. */
    public static final dev.runway.config.Logging DEFAULTS = new dev.runway.config.Logging(
            dev.runway.config.Logging.STDERR, dev.runway.config.Logging.Level.INFO,
            dev.runway.config.Logging.Format.TEXT, dev.runway.config.Logging.DEFAULT_MAX_FILE_BYTES,
            dev.runway.config.Logging.DEFAULT_MAX_FILES);

    private Logging() {}

    /** {@link #configure(dev.runway.config.Logging, Secret...)} for a launch agent: its logging, its token masked. */
    public static void configure(LaunchAgentConfig config) {
        configure(config.logging(), config.api().authToken());
    }

    /**
     * Replaces any earlier set-up with the one {@code settings} describes. Call it once the configuration is loaded,
     * before the work starts. A log file that cannot be opened falls back to standard error, saying so there.
     *
     * @param masked secrets (the token) to print as ******** should any log line ever hold one
     */
    public static void configure(dev.runway.config.Logging settings, Secret... masked) {
        apply((LoggerContext) LoggerFactory.getILoggerFactory(), settings, masked);
    }

    static void apply(LoggerContext context, dev.runway.config.Logging settings, Secret... masked) {
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (settings.format() == Format.NONE) {
            root.setLevel(Level.OFF);
            return;
        }
        root.setLevel(Level.toLevel(settings.level().name()));
        List<String> secrets = new ArrayList<>();
        for (Secret secret : masked) {
            if (secret != null && secret.reveal().length() >= 4) {
                secrets.add(secret.reveal());
            }
        }
        OutputStreamAppender<ILoggingEvent> appender = settings.toStderr()
                ? stderr(context, settings.format(), secrets)
                : file(context, settings, secrets);
        if (!appender.isStarted()) {
            String reason = lastError(context);
            appender = stderr(context, settings.format(), secrets);
            appender.doAppend(warning(context, "cannot write the log file " + settings.file() + " (" + reason
                    + "); logging to standard error instead"));
        }
        root.addAppender(appender);
    }

    private static OutputStreamAppender<ILoggingEvent> stderr(LoggerContext context, Format format,
            List<String> secrets) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget("System.err");
        return start(context, appender, format, secrets);
    }

    private static OutputStreamAppender<ILoggingEvent> file(LoggerContext context,
            dev.runway.config.Logging settings, List<String> secrets) {
        if (settings.maxFileBytes() == 0) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(settings.file());
            appender.setAppend(true);
            return start(context, appender, settings.format(), secrets);
        }
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setFile(settings.file());
        appender.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(settings.file() + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(settings.maxFiles());
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(new FileSize(settings.maxFileBytes()));
        // logback looks at the size at most once a minute by default: a burst could overshoot the limit by far.
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        return start(context, appender, settings.format(), secrets);
    }

    private static OutputStreamAppender<ILoggingEvent> start(LoggerContext context,
            OutputStreamAppender<ILoggingEvent> appender, Format format, List<String> secrets) {
        LayoutBase<ILoggingEvent> layout = switch (format) {
            case JSON -> new JsonLayout(secrets);
            case COLOR -> new TextLayout(secrets, true);
            default -> new TextLayout(secrets, false);
        };
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        appender.setContext(context);
        appender.setName("runway");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static String lastError(LoggerContext context) {
        String reason = "unknown error";
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getLevel() == Status.ERROR) {
                reason = status.getThrowable() != null ? status.getThrowable().toString() : status.getMessage();
            }
        }
        return reason;
    }

    private static ILoggingEvent warning(LoggerContext context, String message) {
        Logger logger = context.getLogger(Logging.class);
        return new ch.qos.logback.classic.spi.LoggingEvent(Logging.class.getName(), logger, Level.WARN, message,
                null, null);
    }

    /** Lines of {@link LogLines#text}, ANSI-coloured by level on request. */
    static final class TextLayout extends LayoutBase<ILoggingEvent> {
        private final List<String> secrets;
        private final boolean color;

        TextLayout(List<String> secrets, boolean color) {
            this.secrets = secrets;
            this.color = color;
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            String color = this.color ? levelColor(event.getLevel()) : null;
            return LogLines.mask(LogLines.text(event.getTimeStamp(), event.getLevel().toString(), color,
                    event.getThreadName(), event.getLoggerName(), event.getFormattedMessage(),
                    thrown == null ? null : ThrowableProxyUtil.asString(thrown)), secrets);
        }

        private static String levelColor(Level level) {
            return switch (level.toInt()) {
                case Level.ERROR_INT -> "\u001b[31m";
                case Level.WARN_INT -> "\u001b[33m";
                case Level.INFO_INT -> "\u001b[34m";
                default -> "\u001b[2m";
            };
        }
    }

    /** One JSON object per line: time, level, logger, thread, message, and mdc and exception when there are. */
    static final class JsonLayout extends LayoutBase<ILoggingEvent> {
        private final List<String> secrets;

        JsonLayout(List<String> secrets) {
            this.secrets = secrets;
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder json = new StringBuilder(160).append('{');
            field(json, "time", LogLines.timestamp(event.getTimeStamp())).append(',');
            field(json, "level", event.getLevel().toString()).append(',');
            field(json, "logger", event.getLoggerName()).append(',');
            field(json, "thread", event.getThreadName()).append(',');
            field(json, "message", LogLines.mask(event.getFormattedMessage(), secrets));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                json.append(",\"mdc\":{");
                boolean first = true;
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    json.append(first ? "" : ",");
                    field(json, entry.getKey(), LogLines.mask(String.valueOf(entry.getValue()), secrets));
                    first = false;
                }
                json.append('}');
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.append(',');
                field(json, "exception", LogLines.mask(ThrowableProxyUtil.asString(thrown), secrets));
            }
            return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
        }

        private static StringBuilder field(StringBuilder json, String name, String value) {
            return string(string(json, name).append(':'), value == null ? "" : value);
        }

        private static StringBuilder string(StringBuilder json, String text) {
            return json.append('"').append(JsonEscapeUtil.jsonEscapeString(text)).append('"');
        }
    }
}
