package dev.runway.taskagent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces secret values in a byte stream with {@code ********} before it reaches the sink. Works across write
 * boundaries: it holds back at most (longest secret - 1) bytes that might be the start of a secret, and nothing
 * else. Not thread-safe: one writer at a time.
 *
 * <p>Scanning skips ahead like Wu-Manber's multi-pattern search: the last two bytes of a window as long as the
 * shortest secret tell how far no secret can start, so ordinary output is looked at every few dozen bytes rather
 * than at every byte.
 */
final class SecretMasker implements OutputSink {
    /** CircleCI does not mask values shorter than this: masking "1" or "yes" would garble every log. */
    static final int MIN_SECRET_LENGTH = 4;
    static final byte[] MASK = "********".getBytes(StandardCharsets.US_ASCII);
    private static final int HOLD = -1;
    /** Longest skip window: skips are stored in a byte. */
    private static final int MAX_WINDOW = 128;

    private static final Comparator<byte[]> LONGEST_FIRST = (a, b) -> Integer.compare(b.length, a.length);

    private final OutputSink sink;
    private final byte[][] secrets; // longest first, so the longest match wins and a longer candidate is waited for
    private final boolean[] firstBytes = new boolean[256];
    // hashes of every secret's first 4 bytes (all secrets have 4 or more): rules out almost every position at once
    private final boolean[] prefixes = new boolean[1 << 16];
    private final int maxLength;
    private final int window; // no longer than any secret
    // by the last two bytes of a window: how many positions from its start on no secret can start at
    private final byte[] shifts = new byte[1 << 16];
    private byte[] work;
    private int pending; // bytes held back at the start of work

    SecretMasker(Collection<String> values, OutputSink sink) {
        this.sink = sink;
        // a loop and a comparator of ours, not a stream: every task agent builds a masker for its first step, and
        // the JDK's stream and comparator lambdas would be generated at run time in each of them (a few ms)
        List<String> forms = maskableForms(values);
        this.secrets = new byte[forms.size()][];
        for (int i = 0; i < secrets.length; i++) {
            secrets[i] = forms.get(i).getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(secrets, LONGEST_FIRST);
        int longest = 0;
        int shortest = MAX_WINDOW;
        for (byte[] secret : secrets) {
            firstBytes[secret[0] & 0xff] = true;
            prefixes[prefixHash(secret, 0)] = true;
            longest = Math.max(longest, secret.length);
            shortest = Math.min(shortest, secret.length);
        }
        this.maxLength = longest;
        this.window = shortest;
        Arrays.fill(shifts, (byte) (window - 1));
        for (byte[] secret : secrets) {
            // a window whose last two bytes are bytes q-1 and q of a secret may hold it from (window-1-q) on
            for (int q = 1; q < window; q++) {
                int pair = pair(secret, q);
                shifts[pair] = (byte) Math.min(shifts[pair], window - 1 - q);
            }
        }
        this.work = new byte[Math.max(0, longest - 1) + 64 * 1024];
    }

    /**
     * The strings to mask for these values: each value of at least {@link #MIN_SECRET_LENGTH} characters, and each
     * line of a multi-line value too (a tool may print a certificate or key line by line, or with other line ends).
     */
    static List<String> maskableForms(Collection<String> values) {
        Set<String> forms = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            forms.add(value);
            if (value.indexOf('\n') >= 0) {
                for (String line : value.split("\r?\n")) {
                    forms.add(line.strip());
                }
            }
        }
        List<String> result = new ArrayList<>();
        for (String form : forms) {
            if (form.length() >= MIN_SECRET_LENGTH) {
                result.add(form);
            }
        }
        return result;
    }

    /** The most bytes this masker ever holds back. */
    int maxHeldBack() {
        return Math.max(0, maxLength - 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length, long readAtMillis) throws InterruptedException {
        if (secrets.length == 0) {
            sink.write(bytes, offset, length, readAtMillis);
            return;
        }
        if (pending + length > work.length) {
            work = Arrays.copyOf(work, pending + length);
        }
        System.arraycopy(bytes, offset, work, pending, length);
        scan(pending + length, false, readAtMillis);
    }

    /** End of stream: nothing more can complete a secret, so the held-back bytes go out (masked where whole). */
    void finish(long atMillis) throws InterruptedException {
        if (pending > 0) {
            scan(pending, true, atMillis);
        }
    }

    private void scan(int end, boolean last, long at) throws InterruptedException {
        int emitted = 0;
        int i = 0;
        while (i < end) {
            if (i + window <= end) {
                int shift = shifts[pair(work, i + window - 1)];
                if (shift > 0) {
                    i += shift;
                    continue;
                }
            }
            boolean candidate = end - i >= 4 ? prefixes[prefixHash(work, i)] : firstBytes[work[i] & 0xff];
            if (!candidate) {
                i++;
                continue;
            }
            int match = matchAt(i, end, last);
            if (match == HOLD) {
                break;
            }
            if (match > 0) {
                sink.write(work, emitted, i - emitted, at);
                sink.write(MASK, 0, MASK.length, at);
                i += match;
                emitted = i;
            } else {
                i++;
            }
        }
        if (i > emitted) {
            sink.write(work, emitted, i - emitted, at);
        }
        pending = end - i;
        System.arraycopy(work, i, work, 0, pending);
    }

    /** Bytes {@code at-1} and {@code at}. */
    private static int pair(byte[] bytes, int at) {
        return (bytes[at - 1] & 0xff) << 8 | (bytes[at] & 0xff);
    }

    private static int prefixHash(byte[] bytes, int at) {
        int prefix = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | (bytes[at + 3] & 0xff);
        return (prefix * 0x9E3779B1) >>> 16;
    }

    /** Length of the longest secret at {@code start}, 0 for none, HOLD when the data so far may still become one. */
    private int matchAt(int start, int end, boolean last) {
        int available = end - start;
        for (byte[] secret : secrets) {
            int compared = Math.min(available, secret.length);
            if (!Arrays.equals(work, start, start + compared, secret, 0, compared)) {
                continue;
            }
            if (compared == secret.length) {
                return secret.length;
            }
            if (!last) {
                return HOLD;
            }
        }
        return 0;
    }
}
