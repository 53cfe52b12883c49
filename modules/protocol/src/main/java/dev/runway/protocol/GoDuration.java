package dev.runway.protocol;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Go-style durations, as CircleCI's runner reads them: {@code 72h}, {@code 1h30m}, {@code 30s}, {@code 500ms},
 * {@code 1.5h}, {@code 1h30m20s}; units ns, us (or µs), ms, s, m, h; a bare {@code 0} is zero. Negative values are
 * refused: nothing in a runner's configuration can last less than nothing.
 */
public final class GoDuration {
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

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
            while (i < rest.length() && (Character.isDigit(rest.charAt(i)) || rest.charAt(i) == '.')) {
                i++;
            }
            String number = rest.substring(numberStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text, "expected a number at position " + (numberStart + 1));
            }
            int unitStart = i;
            while (i < rest.length() && !Character.isDigit(rest.charAt(i)) && rest.charAt(i) != '.') {
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

    /** Formats as Go does for whole units: {@code 5h0m0s}, {@code 1m30s}, {@code 500ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return duration.toMillis() + "ms";
        }
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        String secs = millis == 0 ? Integer.toString(seconds) : String.format("%d.%03d", seconds, millis);
        if (hours > 0) {
            return hours + "h" + minutes + "m" + secs + "s";
        }
        if (minutes > 0) {
            return minutes + "m" + secs + "s";
        }
        return secs + "s";
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid duration \"" + text + "\": " + why
                + "; use Go's form, e.g. 72h, 1h30m, 30s, 500ms, 1.5h");
    }
}
