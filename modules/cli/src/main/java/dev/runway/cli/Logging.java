package dev.runway.cli;

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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

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
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
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

    /** Replaces each secret in a formatted line; a secret must never reach a log, whatever logged it. */
    private static String mask(String line, List<String> secrets) {
        String masked = line;
        for (String secret : secrets) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, Secret.REDACTED);
            }
        }
        return masked;
    }

    /** {@code 2026-11-29T08:10:00.123Z INFO  [main] LaunchAgent - message}, ANSI-coloured by level on request. */
    static final class TextLayout extends LayoutBase<ILoggingEvent> {
        private final List<String> secrets;
        private final boolean color;

        TextLayout(List<String> secrets, boolean color) {
            this.secrets = secrets;
            this.color = color;
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(128);
            String level = event.getLevel().toString();
            if (color) {
                line.append("\u001b[2m").append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
                        .append("\u001b[0m ").append(levelColor(event.getLevel())).append(padded(level))
                        .append("\u001b[0m");
            } else {
                line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ')
                        .append(padded(level));
            }
            line.append(" [").append(event.getThreadName()).append("] ").append(shortName(event.getLoggerName()))
                    .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
            }
            return mask(line.toString(), secrets);
        }

        /** The level in five columns (not String.format: its parser costs the first log line of every process). */
        private static String padded(String level) {
            return level.length() >= 5 ? level : (level + "     ").substring(0, 5);
        }

        private static String levelColor(Level level) {
            return switch (level.toInt()) {
                case Level.ERROR_INT -> "\u001b[31m";
                case Level.WARN_INT -> "\u001b[33m";
                case Level.INFO_INT -> "\u001b[34m";
                default -> "\u001b[2m";
            };
        }

        private static String shortName(String loggerName) {
            return loggerName.substring(loggerName.lastIndexOf('.') + 1);
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
            field(json, "time", TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(',');
            field(json, "level", event.getLevel().toString()).append(',');
            field(json, "logger", event.getLoggerName()).append(',');
            field(json, "thread", event.getThreadName()).append(',');
            field(json, "message", mask(event.getFormattedMessage(), secrets));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                json.append(",\"mdc\":{");
                boolean first = true;
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    json.append(first ? "" : ",");
                    field(json, entry.getKey(), mask(String.valueOf(entry.getValue()), secrets));
                    first = false;
                }
                json.append('}');
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                json.append(',');
                field(json, "exception", mask(ThrowableProxyUtil.asString(thrown), secrets));
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
