package dev.runway.config;

/**
 * Where a setting's value came from: a place in a file, or an environment variable.
 *
 * @param file   the file name, or {@link Problem#ENVIRONMENT}
 * @param line   1-based, 0 for the environment
 * @param column 1-based, 0 for the environment
 * @param label  the key as the user wrote it ({@code runner.name}, {@code name} in the flat layout) or the
 *               environment variable's name
 */
record Origin(String file, int line, int column, String label) {
    static Origin environment(String variable) {
        return new Origin(Problem.ENVIRONMENT, 0, 0, variable);
    }

    static Origin at(String file, YamlNode node, String label) {
        return new Origin(file, node.line(), node.column(), label);
    }

    boolean fromEnvironment() {
        return Problem.ENVIRONMENT.equals(file);
    }

    Problem problem(String message) {
        return new Problem(file, line, column, label, message);
    }

    /** "line 3 of FILE" or "environment variable X", for messages that point at another place. */
    String describe() {
        return fromEnvironment() ? "environment variable " + label : label + " on line " + line;
    }
}
