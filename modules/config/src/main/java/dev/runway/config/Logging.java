package dev.runway.config;

import java.util.Objects;

/**
 * The {@code logging:} section.
 *
 * @param file         log file path; "-" (default) = standard error
 * @param level        lowest level written; default INFO
 * @param format       line format; default TEXT
 * @param maxFileBytes rotate the file when it grows past this size; 0 = never rotate; default 10 MiB
 * @param maxFiles     rotated files kept besides the live one; default 5
 */
public record Logging(String file, Level level, Format format, long maxFileBytes, int maxFiles) {
    public static final String STDERR = "-";
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_MAX_FILES = 5;
    /** Upper bound of {@code logging.max_files} (logback's fixed-window rolling keeps at most 20). */
    public static final int MAX_FILES_LIMIT = 20;

    public Logging {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(format, "format");
    }

    /** True when logs go to standard error rather than a file. */
    public boolean toStderr() {
        return STDERR.equals(file);
    }

    /** {@code logging.level}. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** {@code logging.format}: runner 3's formats; NONE turns logging off. */
    public enum Format { COLOR, TEXT, JSON, NONE }
}
