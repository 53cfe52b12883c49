package dev.runway.server.pipeline;

import dev.runway.protocol.TriggersApi;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week), always in UTC, as CircleCI's
 * {@code triggers: - schedule: cron:} reads it: {@code *}, lists ({@code 1,15}), ranges ({@code 1-5}), steps
 * ({@code *}{@code /15}, {@code 10-40/10}), month and day names ({@code JAN}, {@code MON}), Sunday as 0 or 7. When both
 * day fields are restricted, a day matches either (the classic cron rule). A malformed expression throws
 * {@link IllegalArgumentException} naming the field. {@link #ofTimetable} reads CircleCI's API v2 schedule timetable
 * as the expression that runs at the same minutes.
 */
public final class Cron {
    private static final List<String> FIELDS = List.of("minute", "hour", "day of month", "month", "day of week");
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** Four years of minutes bound the search: every valid expression matches within them (Feb 29 included). */
    private static final int MAX_DAYS = 366 * 4 + 1;
    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private Cron(String text, BitSet[] fields, boolean anyDayOfMonth, boolean anyDayOfWeek) {
        this.text = text;
        this.minutes = fields[0];
        this.hours = fields[1];
        this.daysOfMonth = fields[2];
        this.months = fields[3];
        this.daysOfWeek = fields[4];
        this.anyDayOfMonth = anyDayOfMonth;
        this.anyDayOfWeek = anyDayOfWeek;
    }

    /** Parses {@code expression}; {@code what} names it in errors (e.g. {@code "cron"}). */
    public static Cron parse(String what, String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException(what + ": is required, five fields (minute hour day-of-month month"
                    + " day-of-week), like \"0 3 * * *\"");
        }
        String[] parts = expression.strip().split("\\s+");
        if (parts.length != 5) {
            throw new IllegalArgumentException(what + ": \"" + expression + "\" has " + parts.length
                    + " fields; a cron expression has five (minute hour day-of-month month day-of-week), like"
                    + " \"0 3 * * *\"");
        }
        int[][] bounds = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
        BitSet[] fields = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            fields[i] = field(what, i, parts[i], bounds[i][0], bounds[i][1]);
        }
        if (fields[4].get(7)) {
            fields[4].set(0);
            fields[4].clear(7);
        }
        Cron cron = new Cron(String.join(" ", parts), fields, parts[2].equals("*"), parts[4].equals("*"));
        try {
            cron.next(Instant.EPOCH);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(what + ": \"" + expression + "\" matches no minute (a day that no"
                    + " month has?)");
        }
        return cron;
    }

    /** The expression as parsed (fields separated by one space). */
    public String text() {
        return text;
    }

    /** The first minute strictly after {@code after} that the expression matches (seconds are dropped). */
    public Instant next(Instant after) {
        LocalDateTime time = LocalDateTime.ofInstant(after, ZoneOffset.UTC).withSecond(0).withNano(0).plusMinutes(1);
        LocalDate firstDay = time.toLocalDate();
        for (int day = 0; day < MAX_DAYS; day++) {
            LocalDate date = firstDay.plusDays(day);
            if (!months.get(date.getMonthValue()) || !dayMatches(date)) {
                continue;
            }
            int fromHour = day == 0 ? time.getHour() : 0;
            for (int hour = hours.nextSetBit(fromHour); hour >= 0; hour = hours.nextSetBit(hour + 1)) {
                int fromMinute = day == 0 && hour == time.getHour() ? time.getMinute() : 0;
                int minute = minutes.nextSetBit(fromMinute);
                if (minute >= 0) {
                    return date.atTime(hour, minute).toInstant(ZoneOffset.UTC);
                }
            }
        }
        throw new IllegalStateException("cron \"" + text + "\" matches no minute in four years");
    }

    /** CircleCI's timetable as the cron expression that runs at the same minutes (UTC). */
    public static String ofTimetable(TriggersApi.Timetable timetable) {
        int perHour = timetable.perHour() == null ? 1 : timetable.perHour();
        if (perHour < 1 || perHour > 60) {
            throw new IllegalArgumentException("timetable.per-hour: " + perHour + " is not between 1 and 60");
        }
        List<String> minutes = new ArrayList<>();
        for (int run = 0; run < perHour; run++) {
            minutes.add(Integer.toString(run * 60 / perHour));
        }
        return String.join(",", minutes) + " "
                + timetableList(timetable.hoursOfDay(), "timetable.hours-of-day", 0, 23) + " "
                + timetableList(timetable.daysOfMonth(), "timetable.days-of-month", 1, 31) + " "
                + names(timetable.months(), "timetable.months", MONTHS) + " "
                + names(timetable.daysOfWeek(), "timetable.days-of-week", DAYS);
    }

    private static String timetableList(List<Integer> values, String field, int min, int max) {
        if (values == null || values.isEmpty()) {
            return "*";
        }
        List<String> parts = new ArrayList<>();
        for (Integer value : values) {
            if (value == null || value < min || value > max) {
                throw new IllegalArgumentException(field + ": " + value + " is not between " + min + " and " + max);
            }
            parts.add(value.toString());
        }
        return String.join(",", parts);
    }

    private static String names(List<String> values, String field, List<String> known) {
        if (values == null || values.isEmpty()) {
            return "*";
        }
        for (String value : values) {
            if (value == null || !known.contains(value.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException(field + ": \"" + value + "\" is not one of "
                        + String.join(", ", known));
            }
        }
        return String.join(",", values);
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = daysOfMonth.get(date.getDayOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    private static BitSet field(String what, int index, String text, int min, int max) {
        BitSet set = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            String where = what + ": " + FIELDS.get(index) + " \"" + text + "\"";
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(where, item.substring(slash + 1), null);
                if (step < 1) {
                    throw new IllegalArgumentException(where + ": a step must be 1 or more");
                }
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = index == 4 ? 6 : max;
            } else {
                int dash = range.indexOf('-', 1);
                List<String> names = index == 3 ? MONTHS : index == 4 ? DAYS : null;
                from = value(where, dash < 0 ? range : range.substring(0, dash), names, index);
                to = dash < 0 ? (slash >= 0 ? max : from) : value(where, range.substring(dash + 1), names, index);
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException(where + ": " + item + " is outside " + min + "-" + max
                        + (from > to ? " (a range goes from low to high)" : ""));
            }
            for (int value = from; value <= to; value += step) {
                set.set(value);
            }
        }
        return set;
    }

    private static int value(String where, String text, List<String> names, int index) {
        if (names != null) {
            int found = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (found >= 0) {
                return index == 3 ? found + 1 : found;
            }
        }
        return number(where, text, names);
    }

    private static int number(String where, String text, List<String> names) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": \"" + text + "\" is not a number"
                    + (names != null ? " or a name (" + String.join(", ", names) + ")" : "")
                    + "; a field is *, N, N-M, a list of them separated by commas, with an optional /STEP");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
