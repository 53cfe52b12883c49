package dev.runway.taskagent.storage;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a POSIX tar stream into chunks, handing each to a {@link Sink} as it fills: a ustar header per entry, and
 * before it a PAX extended header with what the ustar fields cannot hold (a sub-second or out-of-range mtime, a name
 * or link target longer than 100 bytes or not ASCII, a size of 8 GiB or more, owner ids above 2,097,151). A file's
 * bytes are read from its channel straight into the chunk. Readers of POSIX tar (GNU tar, commons-compress, which
 * {@link Archives#extract} uses) read all of it. Owner names are left empty: the ids are what extraction uses.
 */
final class TarWriter {
    static final int BLOCK = 512;
    /** tar's default record: the end of the archive is padded to a multiple of it, as GNU tar does. */
    private static final int RECORD = 20 * BLOCK;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long MAX_OCTAL_7 = 07777777L;
    /** Where the ustar name prefix starts, which this writer leaves empty. */
    private static final int PREFIX = 345;
    private static final byte TYPE_FILE = '0';
    private static final byte TYPE_SYMLINK = '2';
    private static final byte TYPE_DIRECTORY = '5';
    private static final byte TYPE_PAX = 'x';
    private static final byte[] PAX_NAME = "././@PaxHeader".getBytes(StandardCharsets.US_ASCII);

    /** Where full chunks go. */
    interface Sink {
        /** Takes {@code length} bytes of {@code chunk} (which it may keep) and answers an empty chunk to fill next. */
        byte[] next(byte[] chunk, int length) throws IOException;
    }

    private final Sink sink;
    private byte[] chunk;
    private int position;
    private long total;
    private final StringBuilder pax = new StringBuilder();

    TarWriter(Sink sink, byte[] first) {
        if (first.length % BLOCK != 0) {
            throw new IllegalArgumentException("a chunk must hold whole blocks of " + BLOCK + " bytes");
        }
        this.sink = sink;
        this.chunk = first;
    }

    /** A directory entry; {@code name} without its trailing slash. */
    void directory(String name, int mode, long uid, long gid, FileTime mtime) throws IOException {
        header(TYPE_DIRECTORY, name + "/", null, mode, uid, gid, 0, mtime);
    }

    /** A symlink entry pointing at {@code target}. */
    void symlink(String name, String target, int mode, long uid, long gid, FileTime mtime) throws IOException {
        header(TYPE_SYMLINK, name, target, mode, uid, gid, 0, mtime);
    }

    /**
     * A regular file of {@code size} bytes read from {@code in}: answers how many it gave, less than {@code size}
     * where it ended early (the entry is then incomplete and the archive is to be abandoned).
     */
    long file(String name, int mode, long uid, long gid, FileTime mtime, long size, ReadableByteChannel in)
            throws IOException {
        header(TYPE_FILE, name, null, mode, uid, gid, size, mtime);
        long copied = 0;
        while (copied < size) {
            if (position == chunk.length) {
                handOver();
            }
            int read = in.read(ByteBuffer.wrap(chunk, position, (int) Math.min(chunk.length - position, size - copied)));
            if (read < 0) {
                return copied;
            }
            position += read;
            total += read;
            copied += read;
        }
        pad();
        return copied;
    }

    /** Ends the archive (two zero blocks, then zeros up to a whole record) and hands over the last chunk. */
    void finish() throws IOException {
        long end = total + 2 * BLOCK;
        zeros((int) ((end + RECORD - 1) / RECORD * RECORD - total));
        if (position > 0) {
            chunk = sink.next(chunk, position);
            position = 0;
        }
    }

    private void header(byte type, String name, String link, int mode, long uid, long gid, long size,
            FileTime mtime) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link == null ? null : link.getBytes(StandardCharsets.UTF_8);
        Instant time = mtime.toInstant();
        long seconds = time.getEpochSecond();
        boolean timeFits = seconds >= 0 && seconds <= MAX_OCTAL_11;
        pax.setLength(0);
        if (time.getNano() != 0 || !timeFits) {
            record("mtime", decimalSeconds(seconds, time.getNano()));
        }
        if (nameBytes.length > 100 || !ascii(nameBytes, name)) {
            record("path", name);
        }
        if (linkBytes != null && (linkBytes.length > 100 || !ascii(linkBytes, link))) {
            record("linkpath", link);
        }
        if (size > MAX_OCTAL_11) {
            record("size", Long.toString(size));
        }
        if (uid > MAX_OCTAL_7) {
            record("uid", Long.toString(uid));
        }
        if (gid > MAX_OCTAL_7) {
            record("gid", Long.toString(gid));
        }
        if (pax.length() > 0) {
            byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
            block(TYPE_PAX, PAX_NAME, null, 0644, 0, 0, records.length, timeFits ? seconds : 0);
            bytes(records);
            pad();
        }
        block(type, nameBytes, linkBytes, mode, uid <= MAX_OCTAL_7 ? uid : 0,
                gid <= MAX_OCTAL_7 ? gid : 0, size <= MAX_OCTAL_11 ? size : 0, timeFits ? seconds : 0);
    }

    /** One ustar header block at the current position. */
    private void block(byte type, byte[] name, byte[] link, int mode, long uid, long gid, long size, long mtime)
            throws IOException {
        if (position == chunk.length) {
            handOver();
        }
        byte[] b = chunk;
        int at = position;
        Arrays.fill(b, at, at + BLOCK, (byte) 0);
        System.arraycopy(name, 0, b, at, Math.min(name.length, 100));
        octal(b, at + 100, 8, mode & 07777);
        octal(b, at + 108, 8, uid);
        octal(b, at + 116, 8, gid);
        octal(b, at + 124, 12, size);
        octal(b, at + 136, 12, mtime);
        b[at + 156] = type;
        if (link != null) {
            System.arraycopy(link, 0, b, at + 157, Math.min(link.length, 100));
        }
        // "ustar\0" "00": the POSIX magic and version
        b[at + 257] = 'u';
        b[at + 258] = 's';
        b[at + 259] = 't';
        b[at + 260] = 'a';
        b[at + 261] = 'r';
        b[at + 263] = '0';
        b[at + 264] = '0';
        octal(b, at + 329, 8, 0);
        octal(b, at + 337, 8, 0);
        // the checksum is summed with its own field as spaces, then written as 6 digits, NUL, space
        Arrays.fill(b, at + 148, at + 156, (byte) ' ');
        long sum = 0;
        // what follows the device numbers (the name prefix and padding) is left zero
        for (int i = at; i < at + PREFIX; i++) {
            sum += b[i] & 0xff;
        }
        octal(b, at + 148, 7, sum);
        position += BLOCK;
        total += BLOCK;
    }

    /** {@code value} as zero-padded octal digits filling {@code length - 1} bytes, then a NUL. */
    private static void octal(byte[] b, int at, int length, long value) {
        long rest = value;
        for (int i = at + length - 2; i >= at; i--) {
            b[i] = (byte) ('0' + (rest & 7));
            rest >>>= 3;
        }
        b[at + length - 1] = 0;
    }

    /** Appends one PAX record, "LENGTH key=value\n", where LENGTH counts the whole record, its own digits too. */
    private void record(String key, String value) {
        int rest = 3 + key.length() + value.getBytes(StandardCharsets.UTF_8).length; // ' ', '=', '\n'
        int digits = 1;
        while (Integer.toString(rest + digits).length() != digits) {
            digits++;
        }
        pax.append(rest + digits).append(' ').append(key).append('=').append(value).append('\n');
    }

    /** Seconds since the epoch with nine decimals (negative ones included), as PAX's mtime. */
    static String decimalSeconds(long seconds, int nanos) {
        if (seconds >= 0) {
            String fraction = Integer.toString(1_000_000_000 + nanos); // "1" and nine digits
            return seconds + "." + fraction.substring(1);
        }
        return BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9)).toPlainString();
    }

    private static boolean ascii(byte[] utf8, String text) {
        if (utf8.length != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void bytes(byte[] bytes) throws IOException {
        for (int from = 0; from < bytes.length; ) {
            if (position == chunk.length) {
                handOver();
            }
            int length = Math.min(chunk.length - position, bytes.length - from);
            System.arraycopy(bytes, from, chunk, position, length);
            position += length;
            total += length;
            from += length;
        }
    }

    /** Zeros up to the next block boundary. */
    private void pad() throws IOException {
        zeros((int) ((BLOCK - total % BLOCK) % BLOCK));
    }

    private void zeros(int count) throws IOException {
        for (int left = count; left > 0; ) {
            if (position == chunk.length) {
                handOver();
            }
            int length = Math.min(chunk.length - position, left);
            Arrays.fill(chunk, position, position + length, (byte) 0);
            position += length;
            total += length;
            left -= length;
        }
    }

    private void handOver() throws IOException {
        chunk = sink.next(chunk, position);
        position = 0;
    }
}
