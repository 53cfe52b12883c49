package dev.runway.cli.logging;

import dev.runway.config.Secret;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * How a log line reads, for both logging backends: logback's layouts and the task agent's
 * {@link dev.runway.cli.taskagent.TaskAgentLog}. Free of logback types, so that the task agent never loads logback.
 */
public final class LogLines {
    private LogLines() {}

    /**
     * {@code 2026-11-29T08:10:00.123Z} (UTC, milliseconds), put together by hand: a DateTimeFormatter's set-up costs
     * the first log line of every process (a task agent's among them) about 12 ms.
     */
    public static String timestamp(long epochMillis) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(24);
        digits(out, time.getYear(), 4).append('-');
        digits(out, time.getMonthValue(), 2).append('-');
        digits(out, time.getDayOfMonth(), 2).append('T');
        digits(out, time.getHour(), 2).append(':');
        digits(out, time.getMinute(), 2).append(':');
        digits(out, time.getSecond(), 2).append('.');
        return digits(out, (int) Math.floorMod(epochMillis, 1000), 3).append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    /**
     * {@code 2026-11-29T08:10:00.123Z INFO  [main] LaunchAgent - message} and a line break, then the stack trace if
     * there is one; {@code levelColor} (an ANSI sequence) null for plain text.
     */
    public static String text(long epochMillis, String level, String levelColor, String thread, String loggerName,
            String message, String stackTrace) {
        StringBuilder line = new StringBuilder(128);
        if (levelColor != null) {
            line.append("\u001b[2m").append(timestamp(epochMillis)).append("\u001b[0m ").append(levelColor)
                    .append(padded(level)).append("\u001b[0m");
        } else {
            line.append(timestamp(epochMillis)).append(' ').append(padded(level));
        }
        line.append(" [").append(thread).append("] ").append(loggerName.substring(loggerName.lastIndexOf('.') + 1))
                .append(" - ").append(message).append(System.lineSeparator());
        if (stackTrace != null) {
            line.append(stackTrace).append(System.lineSeparator());
        }
        return line.toString();
    }

    /** The level in five columns (not String.format: its parser costs the first log line of every process). */
    private static String padded(String level) {
        return level.length() >= 5 ? level : (level + "     ").substring(0, 5);
    }

    /** Replaces each secret in a formatted line; a secret must never reach a log, whatever logged it. */
    public static String mask(String line, List<String> secrets) {
        String masked = line;
        for (String secret : secrets) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, Secret.REDACTED);
            }
        }
        return masked;
    }
}
