package dev.runway.taskagent.circleci;

import dev.runway.protocol.RunnerApi.TestRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Which of a job's tests one parallel node runs. By name: the sorted names dealt out in turn. By weight (file size,
 * or the timings of the job's earlier run): greedy, heaviest first, each to the node with the least so far; a test
 * with no timing weighs the average of those that have one (or a given default).
 */
public final class TestSplitter {
    private TestSplitter() {}

    /** How {@code --timings-type} keys the stored records. */
    public enum TimingsType {
        FILENAME, CLASSNAME, TESTNAME;

        /** {@code --timings-type} as CircleCI spells it. */
        public static TimingsType of(String value) {
            return switch (value) {
                case "filename" -> FILENAME;
                case "classname" -> CLASSNAME;
                case "testname" -> TESTNAME;
                default -> throw new IllegalArgumentException("--timings-type: \"" + value
                        + "\" is not one of filename, classname, testname");
            };
        }

        String key(TestRecord record) {
            return switch (this) {
                case FILENAME -> record.file() == null || record.file().isEmpty() ? null : normalise(record.file());
                case CLASSNAME -> record.classname() == null || record.classname().isEmpty() ? null
                        : record.classname();
                case TESTNAME -> record.name() == null || record.name().isEmpty() ? null : record.name();
            };
        }
    }

    /** Node {@code index}'s share of {@code names} split by name, in the sorted order. */
    public static List<String> byName(List<String> names, int index, int total) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        List<String> share = new ArrayList<>();
        for (int i = index; i < sorted.size(); i += total) {
            share.add(sorted.get(i));
        }
        return share;
    }

    /** The seconds each key took in {@code records} (summed over its test cases). */
    public static Map<String, Double> timings(List<TestRecord> records, TimingsType type) {
        Map<String, Double> seconds = new HashMap<>();
        for (TestRecord record : records) {
            String key = type.key(record);
            if (key != null) {
                seconds.merge(key, record.runTime(), Double::sum);
            }
        }
        return seconds;
    }

    /**
     * Node {@code index}'s share of {@code names} split by {@code timings}; a name with no timing weighs
     * {@code defaultSeconds} when given, else the average of the names that have one. In input order.
     */
    public static List<String> byTimings(List<String> names, Map<String, Double> timings, Double defaultSeconds,
            int index, int total) {
        double known = 0;
        int count = 0;
        for (String name : names) {
            Double seconds = timings.get(normalise(name));
            if (seconds != null) {
                known += seconds;
                count++;
            }
        }
        double fallback = defaultSeconds != null ? defaultSeconds : count == 0 ? 1 : known / count;
        return byWeight(names, name -> timings.getOrDefault(normalise(name), fallback), index, total);
    }

    /** Node {@code index}'s share of {@code names}, greedy by {@code weight}, heaviest first; in input order. */
    public static List<String> byWeight(List<String> names, ToDoubleFunction<String> weight, int index, int total) {
        List<String> unique = names.stream().distinct().toList();
        List<String> heaviestFirst = new ArrayList<>(unique);
        Map<String, Double> weights = new HashMap<>();
        for (String name : unique) {
            weights.put(name, weight.applyAsDouble(name));
        }
        heaviestFirst.sort(Comparator.comparingDouble((String name) -> -weights.get(name))
                .thenComparing(Comparator.naturalOrder()));
        double[] loads = new double[total];
        Map<String, Integer> node = new HashMap<>();
        for (String name : heaviestFirst) {
            int lightest = 0;
            for (int n = 1; n < total; n++) {
                if (loads[n] < loads[lightest]) {
                    lightest = n;
                }
            }
            loads[lightest] += weights.get(name);
            node.put(name, lightest);
        }
        return unique.stream().filter(name -> node.get(name) == index).toList();
    }

    /** A file name as stored and as globbed compare equal: without a leading "./". */
    static String normalise(String name) {
        String result = name;
        while (result.startsWith("./")) {
            result = result.substring(2);
        }
        return result;
    }
}
