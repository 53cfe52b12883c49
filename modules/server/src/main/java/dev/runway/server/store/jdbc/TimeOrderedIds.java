package dev.runway.server.store.jdbc;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Unique ids in the UUID version 7 layout: the time in milliseconds first, then 74 random bits. Rows keyed by them
 * land at the end of their indexes in time order, so a commit of many new rows changes a few index pages instead of
 * one random page per row (the busy claim path inserts a task per claim); still as unpredictable per millisecond as
 * a random UUID is unique.
 */
final class TimeOrderedIds {
    /** One generator per thread (UUID.randomUUID's is shared by the process, behind one lock). */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(TimeOrderedIds::newRandom);

    private TimeOrderedIds() {}

    static String next() {
        byte[] bytes = new byte[10];
        RANDOM.get().nextBytes(bytes);
        long random = ByteBuffer.wrap(bytes).getLong();
        long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
        long high = millis << 16 | 0x7000L | (bytes[8] & 0x0FL) << 8 | bytes[9] & 0xFFL;
        long low = random & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // the RFC 4122 variant
        return new UUID(high, low).toString();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
