package dev.runway.config;

import java.util.List;

/** A YAML value with where it starts in its file (1-based line and column), as {@link YamlReader} builds it. */
sealed interface YamlNode {
    int line();

    int column();

    /** What the value is, in words for a "found ..." message. */
    String describe();

    /** A scalar: its text as written (a number keeps its spelling); {@code quoted} when it was a YAML string. */
    record Scalar(String text, Kind kind, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
            };
        }
    }

    /** The kinds of scalar YAML resolves. */
    enum Kind { STRING, NUMBER, BOOLEAN }

    /** {@code ~}, {@code null} or nothing after the colon. */
    record Null(int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "nothing (null)";
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    record Mapping(List<Entry> entries, int line, int column) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One key of a mapping, located at the key. */
    record Entry(String key, int line, int column, YamlNode value) {}
}
