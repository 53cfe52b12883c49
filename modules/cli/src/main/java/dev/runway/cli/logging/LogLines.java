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
        line.append(" [").append(printable(thread)).append("] ")
                .append(printable(loggerName.substring(loggerName.lastIndexOf('.') + 1)))
                .append(" - ").append(printable(message)).append(System.lineSeparator());
        if (stackTrace != null) {
            line.append(stackTrace).append(System.lineSeparator());
        }
        return line.toString();
    }

    /**
     * The text with every control character escaped ({@code \n}, {@code \r}, {@code \xNN}, or {@code \\u} and four
     * hex digits): job names, failure reasons and other fields that come from outside must not start a forged line or
     * send terminal escapes to whoever reads the log. Tabs stay. The text itself when there is nothing to escape.
     */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        int first = 0;
        while (first < text.length() && !isControl(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x100) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append("\\u").append(Integer.toHexString(c));
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
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
