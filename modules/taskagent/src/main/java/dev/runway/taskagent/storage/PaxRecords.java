package dev.runway.taskagent.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records of one PAX extended header, "LENGTH key=value\n" each, where LENGTH counts the whole record, its own
 * digits too. Written as bytes into one reused array: most entries have one (their sub-second mtime), and
 * {@link TarWriter} copies it into its chunk.
 */
final class PaxRecords {
    private static final byte[] MTIME = "mtime".getBytes(StandardCharsets.US_ASCII);

    byte[] bytes = new byte[512];
    int length;

    void reset() {
        length = 0;
    }

    /** An mtime record: seconds since the epoch with nine decimals. */
    void mtime(long seconds, int nanos) {
        if (seconds < 0) {
            record(MTIME, TarWriter.decimalSeconds(seconds, nanos).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        int secondDigits = digits(seconds);
        int at = start(MTIME, secondDigits + 10);
        decimal(seconds, at, secondDigits);
        bytes[at + secondDigits] = '.';
        decimal(nanos, at + secondDigits + 1, 9);
        bytes[at + secondDigits + 10] = '\n';
    }

    void record(String key, byte[] value) {
        record(key.getBytes(StandardCharsets.US_ASCII), value);
    }

    private void record(byte[] key, byte[] value) {
        int at = start(key, value.length);
        System.arraycopy(value, 0, bytes, at, value.length);
        bytes[at + value.length] = '\n';
    }

    /** Writes "LENGTH key=" for a value of {@code valueLength} bytes; answers where the value goes. */
    private int start(byte[] key, int valueLength) {
        int rest = 3 + key.length + valueLength; // ' ', '=', '\n'
        int lengthDigits = 1;
        while (digits(rest + lengthDigits) != lengthDigits) {
            lengthDigits++;
        }
        int recordLength = rest + lengthDigits;
        if (length + recordLength > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + recordLength));
        }
        decimal(recordLength, length, lengthDigits);
        int at = length + lengthDigits;
        bytes[at++] = ' ';
        System.arraycopy(key, 0, bytes, at, key.length);
        at += key.length;
        bytes[at++] = '=';
        length += recordLength;
        return at;
    }

    /** {@code value} as {@code count} decimal digits (zero-padded) at {@code at}. */
    private void decimal(long value, int at, int count) {
        long rest = value;
        for (int i = at + count - 1; i >= at; i--) {
            bytes[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
    }

    private static int digits(long value) {
        int count = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            count++;
        }
        return count;
    }
}
