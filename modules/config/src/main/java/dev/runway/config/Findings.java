package dev.runway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Problems (errors) and warnings gathered while loading, so that every one is reported at once. */
final class Findings {
    private static final Comparator<Problem> READING_ORDER = Comparator
            .comparing((Problem problem) -> problem.file().equals(Problem.ENVIRONMENT))
            .thenComparing(Problem::file)
            .thenComparing(problem -> problem.line() == 0)
            .thenComparingInt(Problem::line)
            .thenComparingInt(Problem::column)
            .thenComparing(Problem::key);

    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    void error(String file, int line, int column, String key, String message) {
        errors.add(new Problem(file, line, column, key, message));
    }

    void error(Origin origin, String message) {
        errors.add(origin.problem(message));
    }

    void warn(String file, int line, int column, String key, String message) {
        warnings.add(new Problem(file, line, column, key, message));
    }

    void warn(Origin origin, String message) {
        warnings.add(origin.problem(message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /**
     * The errors in reading order (by file, then line, column and key; those without a line after the located ones of
     * their file), with every known secret replaced by {@link Secret#REDACTED}.
     */
    List<Problem> errors(Redactor redactor) {
        return errors.stream().sorted(READING_ORDER).map(redactor::redact).toList();
    }

    /** The warnings, formatted and redacted. */
    List<String> warnings(Redactor redactor) {
        return warnings.stream().sorted(READING_ORDER).map(redactor::redact).map(Problem::toString).toList();
    }
}
