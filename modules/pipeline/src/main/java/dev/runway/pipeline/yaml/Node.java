package dev.runway.pipeline.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable YAML value with the place it was written; expansion copies nodes but keeps their sources. */
public sealed interface Node {
    Source at();

    /** What the value is, in words for a "found ..." message. */
    String describe();

    /** The value as plain Java (String, Boolean, Long, Double, null, List, LinkedHashMap), for printing. */
    Object toPlain();

    /**
     * A scalar: {@code value} is a String, Boolean, Long, Double or null; {@code raw} is its text as written, so a
     * number given where a string is expected keeps its spelling (3.10 stays "3.10").
     */
    record Scalar(Object value, String raw, Source at) implements Node {
        public static Scalar of(Object value, Source at) {
            return new Scalar(value, value == null ? "" : text(value), at);
        }

        public boolean isNull() {
            return value == null;
        }

        public boolean isString() {
            return value instanceof String;
        }

        /** The text used when the value is put into a longer string. */
        public String text() {
            return value instanceof String s ? s : value == null ? "" : raw;
        }

        private static String text(Object value) {
            if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                return Long.toString(d.longValue()) + ".0";
            }
            return String.valueOf(value);
        }

        @Override
        public String describe() {
            if (value == null) {
                return "nothing (null)";
            }
            if (value instanceof String) {
                return "a string";
            }
            return value instanceof Boolean ? "a boolean (" + raw + ")" : "a number (" + raw + ")";
        }

        @Override
        public Object toPlain() {
            return value;
        }
    }

    /** A YAML sequence. */
    record Seq(List<Node> items, Source at) implements Node {
        public Seq {
            items = Collections.unmodifiableList(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public Object toPlain() {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(item.toPlain()));
            return list;
        }
    }

    /** A YAML mapping with string keys in the order written; merge keys are already applied. */
    record Mapping(Map<String, Entry> entries, Source at) implements Node {
        public Mapping {
            entries = Collections.unmodifiableMap(entries);
        }

        public Node get(String key) {
            Entry entry = entries.get(key);
            return entry == null ? null : entry.value();
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        @Override
        public Object toPlain() {
            Map<String, Object> map = new LinkedHashMap<>();
            entries.forEach((key, entry) -> map.put(key, entry.value().toPlain()));
            return map;
        }
    }

    /** One key of a mapping: the key's own place (for "unknown key" errors) and its value. */
    record Entry(String key, Source keyAt, Node value) {}
}
