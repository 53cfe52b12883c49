package dev.runway.protocol;

import java.util.regex.Pattern;

/**
 * CircleCI's naming rules (docs/protocol-openapi.yaml, "management"): namespace = lowercase letters, digits, {@code _},
 * {@code -}; resource class name = letters, digits, {@code :}, {@code _}, {@code -}, {@code +}; a resource class is
 * written {@code namespace/name}; runner names use letters, digits and {@code . ( ) - _}. Ids the server hands out
 * (task and job ids) are letters, digits, {@code -} and {@code _}, at most 64: they go into request paths and file
 * names, so a dot, a slash, a space or a shell character in one is a protocol error.
 */
public final class Names {
    private static final int MAX_LENGTH = 100;
    private static final int MAX_ID_LENGTH = 64;
    /** The id syntax in words, for messages. */
    public static final String ID_SYNTAX = "1 to 64 letters, digits, '-' and '_'";

    private Names() {}

    /**
     * The patterns, compiled on the first check that needs one: a task agent checks only its task's id
     * ({@link #isId}, no pattern), before its first step, where compiling five patterns costs milliseconds.
     */
    private static final class Patterns {
        static final Pattern NAMESPACE = Pattern.compile("[a-z0-9_-]+");
        static final Pattern RESOURCE_CLASS_NAME = Pattern.compile("[A-Za-z0-9:_+-]+");
        static final Pattern RUNNER_NAME = Pattern.compile("[A-Za-z0-9.()_-]+");
        static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    }

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
        if (!Patterns.NAMESPACE.matcher(value).matches()) {
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
        if (name.isEmpty() || !Patterns.RESOURCE_CLASS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + ": invalid resource class name \"" + name
                    + "\": use letters, digits, ':', '_', '-' and '+' only");
        }
        return new ResourceClassName(namespace, name);
    }

    /** Checks a runner's name; a resource class given by mistake gets its own hint. */
    public static String runnerName(String field, String value) {
        require(field, value);
        if (!Patterns.RUNNER_NAME.matcher(value).matches()) {
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
        if (!Patterns.ENVIRONMENT_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": invalid environment variable name \"" + value
                    + "\": use letters, digits and '_', not starting with a digit");
        }
        return value;
    }

    /** Whether {@code value} is an id the server may hand out (a task's, a job's). */
    public static boolean isId(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Checks an id from the server; the message names {@code field} and shows the value made printable. */
    public static String id(String field, String value) {
        if (!isId(value)) {
            throw new IllegalArgumentException(field + ": " + printable(value) + " is not an id (" + ID_SYNTAX + ")");
        }
        return value;
    }

    /** A value from outside for a message: quoted, control and non-ASCII characters escaped, at most 80 shown. */
    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length() && i < 80; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(value.length() > 80 ? "...\"" : "\"").toString();
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
