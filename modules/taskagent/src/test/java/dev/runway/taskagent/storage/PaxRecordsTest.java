package dev.runway.taskagent.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** PAX records as bytes: each one's length counts its own digits, also where that adds a digit. */
class PaxRecordsTest {
    @Test
    void mtimesAreSecondsWithNineDecimalsBeforeTheEpochToo() {
        assertThat(written(pax -> pax.mtime(1_700_000_000L, 5))).isEqualTo("30 mtime=1700000000.000000005\n");
        assertThat(written(pax -> pax.mtime(0, 1))).isEqualTo("21 mtime=0.000000001\n");
        assertThat(written(pax -> pax.mtime(-315_619_200L, 500_000_000)))
                .isEqualTo("30 mtime=-315619199.500000000\n");
    }

    @Test
    void aRecordsLengthCountsItsOwnDigitsAcrossADigitBoundary() {
        // 91 bytes of value: 98 without the length's digits, 100 with two, so three digits and 101 in all
        String value = "v".repeat(91);
        String record = written(pax -> pax.record("path", value.getBytes(StandardCharsets.UTF_8)));
        assertThat(record).isEqualTo("101 path=" + value + "\n").hasSize(101);
        String shorter = written(pax -> pax.record("path", "v".repeat(89).getBytes(StandardCharsets.UTF_8)));
        assertThat(shorter).startsWith("98 path=").hasSize(98);
    }

    @Test
    void recordsFollowEachOtherAndGrowTheArrayAndAResetEmptiesIt() {
        PaxRecords pax = new PaxRecords();
        String name = "ü/".repeat(400);
        pax.mtime(1, 0);
        pax.record("path", name.getBytes(StandardCharsets.UTF_8));
        String all = new String(pax.bytes, 0, pax.length, StandardCharsets.UTF_8);
        // 1,200 bytes of name (a 'ü' takes two): 1,207 without the length's digits, 1,211 with its four
        assertThat(all).isEqualTo("21 mtime=1.000000000\n1211 path=" + name + "\n");
        assertThat(pax.length).isEqualTo(21 + 1211);
        pax.reset();
        assertThat(pax.length).isZero();
    }

    private static String written(java.util.function.Consumer<PaxRecords> write) {
        PaxRecords pax = new PaxRecords();
        write.accept(pax);
        return new String(pax.bytes, 0, pax.length, StandardCharsets.UTF_8);
    }
}
