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
    private static final byte TYPE_FILE = '0';
    private static final byte TYPE_SYMLINK = '2';
    private static final byte TYPE_DIRECTORY = '5';
    private static final byte TYPE_PAX = 'x';
    private static final byte[] PAX_NAME = "././@PaxHeader".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEMPLATE = template();
    private static final int TEMPLATE_SUM = sum(TEMPLATE);
    /**
     * The room a chunk must have left for an entry's headers to start in it, else it is handed over partly full:
     * a PAX header with a sub-second mtime and the ustar header fit many times over.
     */
    private static final int HEADER_ROOM = 8 * BLOCK;

    /** Where full chunks go. */
    interface Sink {
        /** Takes {@code length} bytes of {@code chunk} (which it may keep) and answers an empty chunk to fill next. */
        byte[] next(byte[] chunk, int length) throws IOException;
    }

    private final Sink sink;
    private byte[] chunk;
    private int position;
    private long total;
    private final PaxRecords pax = new PaxRecords();

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
        pax.reset();
        if (time.getNano() != 0 || !timeFits) {
            pax.mtime(seconds, time.getNano());
        }
        if (nameBytes.length > 100 || !ascii(nameBytes, name)) {
            pax.record("path", nameBytes);
        }
        if (linkBytes != null && (linkBytes.length > 100 || !ascii(linkBytes, link))) {
            pax.record("linkpath", linkBytes);
        }
        if (size > MAX_OCTAL_11) {
            pax.record("size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
        }
        if (uid > MAX_OCTAL_7) {
            pax.record("uid", Long.toString(uid).getBytes(StandardCharsets.US_ASCII));
        }
        if (gid > MAX_OCTAL_7) {
            pax.record("gid", Long.toString(gid).getBytes(StandardCharsets.US_ASCII));
        }
        long headerMtime = timeFits ? seconds : 0;
        int paxBlocks = (pax.length + BLOCK - 1) / BLOCK;
        int whole = (pax.length > 0 ? BLOCK + paxBlocks * BLOCK : 0) + BLOCK;
        if (whole <= chunk.length) {
            // the usual case: all of it in one chunk, handed over early (partly full) where it would not fit, so
            // that no header is split and no rarely taken branch is left in the blocks' code
            if (chunk.length - position < Math.min(chunk.length, Math.max(whole, HEADER_ROOM))) {
                handOver();
            }
            if (pax.length > 0) {
                block(TYPE_PAX, PAX_NAME, null, 0644, 0, 0, pax.length, headerMtime);
                System.arraycopy(pax.bytes, 0, chunk, position, pax.length);
                Arrays.fill(chunk, position + pax.length, position + paxBlocks * BLOCK, (byte) 0);
                position += paxBlocks * BLOCK;
                total += paxBlocks * BLOCK;
            }
        } else if (pax.length > 0) {
            // PAX records longer than a chunk (names of many kilobytes): block by block
            room();
            block(TYPE_PAX, PAX_NAME, null, 0644, 0, 0, pax.length, headerMtime);
            bytes(Arrays.copyOf(pax.bytes, pax.length));
            pad();
            room();
        } else {
            room();
        }
        block(type, nameBytes, linkBytes, mode, uid <= MAX_OCTAL_7 ? uid : 0,
                gid <= MAX_OCTAL_7 ? gid : 0, size <= MAX_OCTAL_11 ? size : 0, headerMtime);
    }

    /** A chunk with room for one block: the current one, or the next where the current one is full. */
    private void room() throws IOException {
        if (position == chunk.length) {
            handOver();
        }
    }

    /**
     * One ustar header block at the current position, which has room for it: the fixed fields come from
     * {@link #TEMPLATE}, whose byte sum starts the checksum; the sum of each field written is added to it.
     */
    private void block(byte type, byte[] name, byte[] link, int mode, long uid, long gid, long size, long mtime) {
        byte[] b = chunk;
        int at = position;
        System.arraycopy(TEMPLATE, 0, b, at, BLOCK);
        long sum = TEMPLATE_SUM + type;
        sum += copy(name, b, at);
        sum += octal(b, at + 100, 8, mode & 07777);
        sum += octal(b, at + 108, 8, uid);
        sum += octal(b, at + 116, 8, gid);
        sum += octal(b, at + 124, 12, size);
        sum += octal(b, at + 136, 12, mtime);
        b[at + 156] = type;
        if (link != null) {
            sum += copy(link, b, at + 157);
        }
        // the checksum is summed with its own field as spaces (as the template has it), then written as 6 digits,
        // NUL, and the template's space
        octal(b, at + 148, 7, sum);
        position += BLOCK;
        total += BLOCK;
    }

    /** Copies up to 100 bytes of {@code field} to {@code at}; answers their sum. */
    private static int copy(byte[] field, byte[] b, int at) {
        int length = Math.min(field.length, 100);
        System.arraycopy(field, 0, b, at, length);
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += field[i] & 0xff;
        }
        return sum;
    }

    /** The fixed part of every ustar header: "ustar\0" "00", device numbers 0, the checksum field as spaces. */
    private static byte[] template() {
        byte[] b = new byte[BLOCK];
        byte[] magic = {'u', 's', 't', 'a', 'r', 0, '0', '0'};
        System.arraycopy(magic, 0, b, 257, magic.length);
        octal(b, 329, 8, 0);
        octal(b, 337, 8, 0);
        Arrays.fill(b, 148, 156, (byte) ' ');
        return b;
    }

    private static int sum(byte[] bytes) {
        int sum = 0;
        for (byte b : bytes) {
            sum += b & 0xff;
        }
        return sum;
    }

    /** {@code value} as zero-padded octal digits filling {@code length - 1} bytes, then a NUL; answers their sum. */
    private static int octal(byte[] b, int at, int length, long value) {
        long rest = value;
        int sum = 0;
        for (int i = at + length - 2; i >= at; i--) {
            int digit = '0' + (int) (rest & 7);
            b[i] = (byte) digit;
            sum += digit;
            rest >>>= 3;
        }
        b[at + length - 1] = 0;
        return sum;
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
