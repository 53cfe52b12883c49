package dev.runway.protocol;

import java.util.regex.Pattern;

/**
 * What a checkout may name, checked before any of it reaches git's command line: a revision is a hexadecimal object
 * id (so it can never be read as an option such as {@code --upload-pack=...}), a branch follows
 * {@code git check-ref-format --branch}, and a repository is a URL or path that does not start with {@code -}.
 * Branch names and revisions come from job files today and from webhooks once pipelines run.
 */
public final class GitRefs {
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{1,64}");
    private static final int MAX_LENGTH = 1024;

    private GitRefs() {}

    /** A hexadecimal object id (abbreviated or full, SHA-1 or SHA-256); the message names {@code field}. */
    public static String revision(String field, String value) {
        if (!OBJECT_ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": \"" + printable(value)
                    + "\" is not a commit id: give the hexadecimal object id (e.g. the output of git rev-parse HEAD)");
        }
        return value;
    }

    /** A branch name as {@code git check-ref-format --branch} accepts it; the message names {@code field}. */
    public static String branch(String field, String value) {
        String problem = branchProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": \"" + printable(value) + "\" is not a valid branch name: "
                    + problem);
        }
        return value;
    }

    /** A repository URL or path that git cannot take for an option; the message names {@code field}. */
    public static String repository(String field, String value) {
        if (value.startsWith("-") || value.length() > MAX_LENGTH || hasControl(value)) {
            throw new IllegalArgumentException(field + ": \"" + printable(value) + "\" is not a repository URL or"
                    + " path (it must not start with '-' or hold control characters)");
        }
        return value;
    }

    private static String branchProblem(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return "it must hold 1 to " + MAX_LENGTH + " characters";
        }
        if (name.startsWith("-")) {
            return "it must not start with '-'";
        }
        if (name.equals("@") || name.contains("@{")) {
            return "it must not be '@' or contain '@{'";
        }
        if (name.contains("..") || name.contains("//") || name.startsWith("/") || name.endsWith("/")
                || name.endsWith(".")) {
            return "it must not contain '..' or '//', or start or end with '/', or end with '.'";
        }
        for (String component : name.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return "no part may start with '.' or end with '.lock'";
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0) {
                return "it must not contain spaces, control characters or any of ~ ^ : ? * [ \\";
            }
        }
        return null;
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(c -> c < ' ' || c == 0x7f);
    }

    /** The value as it may appear in an error message: control characters escaped, cut at 80 characters. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(80).forEach(c -> {
            if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return value.length() > 80 ? out + "..." : out.toString();
    }
}
