package dev.runway.config;

import java.util.List;

/** Every problem found in a configuration at once; {@link #getMessage()} lists them. Never contains a token. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        StringBuilder out = new StringBuilder(problems.size() == 1
                ? "invalid configuration:" : "invalid configuration (" + problems.size() + " problems):");
        for (Problem problem : problems) {
            out.append(System.lineSeparator()).append("  ").append(problem);
        }
        return out.toString();
    }
}
