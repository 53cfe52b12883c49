package dev.runway.server.store.jdbc;

import java.util.UUID;

/**
 * Unique ids in the UUID version 7 layout: the time in milliseconds first, then 74 random bits. Rows keyed by them
 * land at the end of their indexes in time order, so a commit of many new rows changes a few index pages instead of
 * one random page per row (the busy claim path inserts a task per claim); still as unpredictable per millisecond as
 * a random UUID is unique.
 */
final class TimeOrderedIds {
    private TimeOrderedIds() {}

    static String next() {
        UUID random = UUID.randomUUID();
        long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
        long high = millis << 16 | 0x7000L | random.getMostSignificantBits() & 0x0FFFL;
        return new UUID(high, random.getLeastSignificantBits()).toString();
    }
}
