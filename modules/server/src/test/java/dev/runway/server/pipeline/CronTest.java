package dev.runway.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.TriggersApi;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTest {
    private static Instant next(String cron, String after) {
        return Cron.parse("cron", cron).next(Instant.parse(after));
    }

    @Test
    void nextMinuteOfEachFieldForm() {
        assertThat(next("0 3 * * *", "2026-12-07T02:59:59Z")).isEqualTo("2026-12-07T03:00:00Z");
        assertThat(next("0 3 * * *", "2026-12-07T03:00:00Z")).as("strictly after").isEqualTo("2026-12-08T03:00:00Z");
        assertThat(next("*/15 * * * *", "2026-12-07T10:07:30Z")).isEqualTo("2026-12-07T10:15:00Z");
        assertThat(next("10-40/10 * * * *", "2026-12-07T10:41:00Z")).isEqualTo("2026-12-07T11:10:00Z");
        assertThat(next("5,35 1-2 * * *", "2026-12-07T02:36:00Z")).isEqualTo("2026-12-08T01:05:00Z");
        assertThat(next("30 23 31 12 *", "2026-01-01T00:00:00Z")).isEqualTo("2026-12-31T23:30:00Z");
        assertThat(next("5/20 * * * *", "2026-12-07T10:46:00Z")).as("N/STEP runs from N to the end")
                .isEqualTo("2026-12-07T11:05:00Z");
    }

    @Test
    void namesSundaysAndTheDayRule() {
        // 2026-12-07 is a Monday
        assertThat(next("0 9 * * MON-FRI", "2026-12-11T09:00:00Z")).isEqualTo("2026-12-14T09:00:00Z");
        assertThat(next("0 0 * * 0", "2026-12-07T00:00:00Z")).isEqualTo("2026-12-13T00:00:00Z");
        assertThat(next("0 0 * * 7", "2026-12-07T00:00:00Z")).as("7 is Sunday too").isEqualTo("2026-12-13T00:00:00Z");
        assertThat(next("0 0 1 feb *", "2026-12-07T00:00:00Z")).isEqualTo("2027-02-01T00:00:00Z");
        // both day fields restricted: either matches (the 15th, or a Sunday)
        assertThat(next("0 0 15 * SUN", "2026-12-07T00:00:00Z")).isEqualTo("2026-12-13T00:00:00Z");
        assertThat(next("0 0 15 * SUN", "2026-12-13T00:00:00Z")).isEqualTo("2026-12-15T00:00:00Z");
        // day of month restricted, day of week *: that day only
        assertThat(next("0 0 29 2 *", "2026-12-07T00:00:00Z")).isEqualTo("2028-02-29T00:00:00Z");
    }

    @Test
    void badExpressionsNameTheirField() {
        assertThatThrownBy(() -> Cron.parse("cron", "0 3 * *")).hasMessageContaining("cron: \"0 3 * *\" has 4 fields");
        assertThatThrownBy(() -> Cron.parse("cron", "61 * * * *")).hasMessageContaining("minute")
                .hasMessageContaining("outside 0-59");
        assertThatThrownBy(() -> Cron.parse("cron", "* 5-2 * * *")).hasMessageContaining("hour")
                .hasMessageContaining("low to high");
        assertThatThrownBy(() -> Cron.parse("cron", "* * * FOO *")).hasMessageContaining("month")
                .hasMessageContaining("\"FOO\" is not a number or a name");
        assertThatThrownBy(() -> Cron.parse("cron", "*/0 * * * *")).hasMessageContaining("step must be 1 or more");
        assertThatThrownBy(() -> Cron.parse("cron", "0 0 31 2 *")).hasMessageContaining("matches no minute");
        assertThatThrownBy(() -> Cron.parse("cron", " ")).hasMessageContaining("cron: is required");
    }

    @Test
    void circleCiTimetablesBecomeTheCronOfTheSameMinutes() {
        assertThat(Cron.ofTimetable(new TriggersApi.Timetable(4, List.of(0, 12), null, null, null)))
                .isEqualTo("0,15,30,45 0,12 * * *");
        assertThat(Cron.ofTimetable(new TriggersApi.Timetable(null, null, List.of("sat", "SUN"), List.of(1),
                List.of("JAN")))).isEqualTo("0 * 1 JAN sat,SUN");
        assertThat(Cron.ofTimetable(new TriggersApi.Timetable(7, null, null, null, null))).startsWith("0,8,17,25,");
        assertThatThrownBy(() -> Cron.ofTimetable(new TriggersApi.Timetable(0, null, null, null, null)))
                .hasMessageContaining("timetable.per-hour: 0");
        assertThatThrownBy(() -> Cron.ofTimetable(new TriggersApi.Timetable(1, null, List.of("MOON"), null, null)))
                .hasMessageContaining("timetable.days-of-week: \"MOON\"");
    }
}
