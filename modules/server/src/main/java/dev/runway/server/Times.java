package dev.runway.server;

import java.time.Instant;

/** Epoch millis to the ISO-8601 text of the wire. */
final class Times {
    private Times() {}

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
