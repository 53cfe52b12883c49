package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // the install guide's examples
            "72h, PT72H",
            "1h30m, PT1H30M",
            "30s, PT30S",
            "50m, PT50M",
            "1h30m20s, PT1H30M20S",
            // Go's other forms
            "500ms, PT0.5S",
            "1.5h, PT1H30M",
            "0, PT0S",
            "0s, PT0S",
            "+5m, PT5M",
            ".5s, PT0.5S",
            "1.s, PT1S",
            "2h45m, PT2H45M",
            "1m1.5s, PT1M1.5S",
            "250us, PT0.00025S",
            "250µs, PT0.00025S",
            "250μs, PT0.00025S",
            "42ns, PT0.000000042S",
            "1h0m0s, PT1H",
            "5h0m0s, PT5H",
            "90m, PT1H30M",
            "0.25h, PT15M",
            "1h1h, PT2H",
            "2562047h, PT2562047H",
    })
    void parsesGoForms(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "5", "00", "h", "1x", "1H", "1 h", " 1h", "1h ", "1d", "-5m", "-0", "+", "1..5s",
            ".s", "1h-30m", "1e3s", "five minutes", "1h30", "٥h", "１h", "3w", "9999999999999999999h",
            "2562048h", "1hour", "30sec", "5M", "0x10s", "NaN", "∞h"})
    void refusesEverythingElseQuotingTheValue(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + text + "\"")
                .hasMessageContaining("72h");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> GoDuration.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAbsurdlyLongNumbersCheaply() {
        String text = "0".repeat(100_000) + "1h";
        assertThatThrownBy(() -> GoDuration.parse(text)).hasMessageContaining("too long");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "PT0S, 0s",
            "PT5H, 5h0m0s",
            "PT72H, 72h0m0s",
            "PT1H30M20S, 1h30m20s",
            "PT50M, 50m0s",
            "PT30S, 30s",
            "PT1.5S, 1.5s",
            "PT0.5S, 500ms",
            "PT0.0015S, 1.5ms",
            "PT0.00025S, 250µs",
            "PT0.000000042S, 42ns",
            "PT1M0.000000001S, 1m0.000000001s",
    })
    void formatsAsGo(Duration duration, String expected) {
        assertThat(GoDuration.format(duration)).isEqualTo(expected);
    }

    @Test
    void formatRefusesNegative() {
        assertThatThrownBy(() -> GoDuration.format(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatAndParseRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Duration duration = Duration.ofNanos(Math.floorMod(random.nextLong(), Long.MAX_VALUE));
            if (i % 3 == 0) {
                duration = Duration.ofMillis(random.nextInt(100_000_000));
            }
            assertThat(GoDuration.parse(GoDuration.format(duration))).as("%s", duration).isEqualTo(duration);
        }
    }
}
