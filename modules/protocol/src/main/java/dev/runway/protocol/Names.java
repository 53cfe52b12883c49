package dev.runway.protocol;

import java.util.regex.Pattern;

/**
 * CircleCI's naming rules (docs/protocol-openapi.yaml, "management"): namespace = lowercase letters, digits, {@code _},
 * {@code -}; resource class name = letters, digits, {@code :}, {@code _}, {@code -}, {@code +}; a resource class is
 * written {@code namespace/name}; runner names use letters, digits and {@code . ( ) - _}.
 */
public final class Names {
    private static final int MAX_LENGTH = 100;
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9_-]+");
    private static final Pattern RESOURCE_CLASS_NAME = Pattern.compile("[A-Za-z0-9:_+-]+");
    private static final Pattern RUNNER_NAME = Pattern.compile("[A-Za-z0-9.()_-]+");
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Names() {}

    /** A resource class split into its namespace and name. */
    public record ResourceClassName(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** Checks a namespace; the message names {@code field}. */
    public static String namespace(String field, String value) {
        require(field, value);
        if (!NAMESPACE.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": invalid namespace \"" + value
                    + "\": use lowercase letters, digits, '_' and '-' only");
        }
        return value;
    }

    /** Parses {@code namespace/name}; the message names {@code field}. */
    public static ResourceClassName resourceClass(String field, String value) {
        require(field, value);
        int slash = value.indexOf('/');
        if (slash < 0 || slash != value.lastIndexOf('/')) {
            throw new IllegalArgumentException(field + ": invalid resource class \"" + value
                    + "\": write it as namespace/name, e.g. my-org/linux-large");
        }
        String namespace = namespace(field + " (namespace)", value.substring(0, slash));
        String name = value.substring(slash + 1);
        if (name.isEmpty() || !RESOURCE_CLASS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + ": invalid resource class name \"" + name
                    + "\": use letters, digits, ':', '_', '-' and '+' only");
        }
        return new ResourceClassName(namespace, name);
    }

    /** Checks a runner's name; a resource class given by mistake gets its own hint. */
    public static String runnerName(String field, String value) {
        require(field, value);
        if (!RUNNER_NAME.matcher(value).matches()) {
            String hint = value.contains("/") ? " (it looks like a resource class; a runner name names the machine)"
                    : "";
            throw new IllegalArgumentException(field + ": invalid runner name \"" + value
                    + "\": use letters, digits and . ( ) - _ only" + hint);
        }
        return value;
    }

    /** Checks an environment variable name. */
    public static String environmentName(String field, String value) {
        require(field, value);
        if (!ENVIRONMENT_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": invalid environment variable name \"" + value
                    + "\": use letters, digits and '_', not starting with a digit");
        }
        return value;
    }

    private static void require(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + ": is longer than " + MAX_LENGTH + " characters");
        }
    }
}
