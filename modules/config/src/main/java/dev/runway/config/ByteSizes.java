package dev.runway.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Sizes such as {@code 10485760}, {@code 10MiB}, {@code 500KB}, {@code 1.5GiB}: KiB, MiB and GiB are powers of 1024,
 * KB, MB and GB powers of 1000; units in any case.
 */
final class ByteSizes {
    private static final Map<String, Long> UNITS = Map.of(
            "", 1L, "b", 1L,
            "kb", 1_000L, "mb", 1_000_000L, "gb", 1_000_000_000L,
            "kib", 1L << 10, "mib", 1L << 20, "gib", 1L << 30);

    private ByteSizes() {}

    /** The number of bytes; a malformed size raises {@link IllegalArgumentException} saying why. */
    static long parse(String text) {
        String trimmed = text.strip();
        int split = 0;
        while (split < trimmed.length() && (Character.isDigit(trimmed.charAt(split)) || trimmed.charAt(split) == '.')) {
            split++;
        }
        String number = trimmed.substring(0, split);
        String unit = trimmed.substring(split).strip().toLowerCase(Locale.ROOT);
        Long multiplier = UNITS.get(unit);
        if (number.isEmpty() || number.startsWith(".") || number.endsWith(".")
                || number.indexOf('.') != number.lastIndexOf('.') || number.length() > 30) {
            throw new IllegalArgumentException("expected a size such as 10MiB or 10485760");
        }
        if (multiplier == null) {
            throw new IllegalArgumentException("unknown unit \"" + trimmed.substring(split).strip()
                    + "\" (use B, KB, MB, GB, KiB, MiB or GiB)");
        }
        BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("it is too large");
        }
        return bytes.longValue();
    }

    /** The shortest exact spelling: {@code 10MiB}, {@code 1500B}. */
    static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % sizes[i] == 0) {
                return bytes / sizes[i] + units[i];
            }
        }
        return bytes + "B";
    }
}
