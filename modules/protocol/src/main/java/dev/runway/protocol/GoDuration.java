package dev.runway.protocol;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Go-style durations, as CircleCI's runner reads them: {@code 72h}, {@code 1h30m}, {@code 30s}, {@code 500ms},
 * {@code 1.5h}, {@code 1h30m20s}; units ns, us (or µs), ms, s, m, h; a bare {@code 0} is zero. Negative values are
 * refused: nothing in a runner's configuration can last less than nothing. Only ASCII digits count, as in Go.
 */
public final class GoDuration {
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Longer numbers cannot be a duration that fits; refusing them early keeps parsing cheap on hostile input. */
    private static final int MAX_NUMBER_LENGTH = 40;

    private GoDuration() {}

    /** Parses {@code text}; a malformed value raises {@link IllegalArgumentException} quoting it. */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text, "it is empty");
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("-")) {
            throw invalid(text, "it is negative");
        }
        String rest = text.startsWith("+") ? text.substring(1) : text;
        if (rest.isEmpty()) {
            throw invalid(text, "it has no number");
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < rest.length()) {
            int numberStart = i;
            while (i < rest.length() && isNumberChar(rest.charAt(i))) {
                i++;
            }
            String number = rest.substring(numberStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text, "expected a number at position " + (numberStart + 1));
            }
            if (number.length() > MAX_NUMBER_LENGTH) {
                throw invalid(text, "it is too long");
            }
            int unitStart = i;
            while (i < rest.length() && !isNumberChar(rest.charAt(i))) {
                i++;
            }
            String unit = rest.substring(unitStart, i);
            Long nanos = NANOS_PER_UNIT.get(unit);
            if (nanos == null) {
                throw invalid(text, unit.isEmpty()
                        ? "the number " + number + " has no unit (ns, us, ms, s, m, h)"
                        : "unknown unit \"" + unit + "\" (use ns, us, ms, s, m or h)");
            }
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
            if (total.compareTo(MAX_NANOS) > 0) {
                throw invalid(text, "it is too long");
            }
        }
        return Duration.ofNanos(total.longValue());
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '.';
    }

    /**
     * Formats as Go's {@code Duration.String()}: {@code 5h0m0s}, {@code 1m30s}, {@code 1.5s}, {@code 500ms},
     * {@code 1.5µs}, {@code 0s}. {@link #parse} reads every result back to the same duration.
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (seconds == 0) {
            if (nanos < 1_000) {
                return nanos + "ns";
            }
            if (nanos < 1_000_000) {
                return decimal(nanos, 1_000) + "µs";
            }
            return decimal(nanos, 1_000_000) + "ms";
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        String secs = decimal(seconds % 60 * 1_000_000_000L + nanos, 1_000_000_000L) + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + secs;
        }
        if (minutes > 0) {
            return minutes + "m" + secs;
        }
        return secs;
    }

    /** {@code value / unit} written exactly, without trailing zeros: 1500/1000 is "1.5". */
    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid duration \"" + text + "\": " + why
                + "; use Go's form, e.g. 72h, 1h30m, 30s, 500ms, 1.5h");
    }
}
