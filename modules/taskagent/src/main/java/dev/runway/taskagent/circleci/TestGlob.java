package dev.runway.taskagent.circleci;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code circleci tests glob}: the files matching CircleCI's patterns. {@code *} matches within one path segment,
 * {@code **} across segments (and {@code **}{@code /} also matches no directory at all), {@code ?} one character,
 * {@code [abc]} / {@code [!abc]} a character class, {@code {a,b}} any of the alternatives (nestable). Paths are
 * printed as the pattern is written: relative to the working directory, or absolute.
 */
public final class TestGlob {
    private TestGlob() {}

    /** The regular files matching any of {@code patterns}, each pattern's matches sorted, without repeats. */
    public static List<String> files(List<String> patterns, Path workingDirectory) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        for (String pattern : patterns) {
            found.addAll(files(pattern, workingDirectory));
        }
        return new ArrayList<>(found);
    }

    static List<String> files(String pattern, Path workingDirectory) throws IOException {
        String normalised = pattern.startsWith("./") ? pattern.substring(2) : pattern;
        Pattern regex = Pattern.compile(regex(normalised));
        String prefix = literalDirectory(normalised);
        Path root = prefix.isEmpty() ? workingDirectory : workingDirectory.resolve(prefix);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> matches = new ArrayList<>();
        boolean absolute = normalised.startsWith("/");
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                String candidate = absolute ? file.toString()
                        : workingDirectory.relativize(file).toString();
                if (regex.matcher(candidate).matches()) {
                    matches.add(candidate);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        matches.sort(null);
        return matches;
    }

    /** The directories before the first segment with a wildcard: where the walk starts. */
    static String literalDirectory(String pattern) {
        int meta = indexOfMeta(pattern);
        String literal = meta < 0 ? pattern : pattern.substring(0, meta);
        int slash = literal.lastIndexOf('/');
        if (meta < 0) {
            return slash < 0 ? "" : pattern.substring(0, slash == 0 ? 1 : slash);
        }
        return slash < 0 ? "" : literal.substring(0, slash == 0 ? 1 : slash);
    }

    private static int indexOfMeta(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if ("*?[{".indexOf(pattern.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** The pattern as a Java regular expression over '/'-separated paths. */
    static String regex(String pattern) {
        StringBuilder out = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                            i++;
                            out.append("(?:[^/]*/)*"); // zero or more whole directories
                        } else {
                            out.append(".*");
                        }
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 2);
                    if (end < 0) {
                        out.append("\\[");
                    } else {
                        String body = pattern.substring(i + 1, end);
                        boolean negated = body.startsWith("!") || body.startsWith("^");
                        if (negated) {
                            body = body.substring(1);
                        }
                        out.append('[').append(negated ? "^/" : "").append(body.replace("\\", "\\\\")
                                .replace("[", "\\[")).append(']');
                        i = end;
                    }
                }
                case '{' -> {
                    braces++;
                    out.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        out.append(')');
                    } else {
                        out.append("\\}");
                    }
                }
                case ',' -> out.append(braces > 0 ? "|" : ",");
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        i++;
                        out.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
                    }
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces > 0) {
            throw new IllegalArgumentException("pattern " + pattern + ": a '{' is not closed");
        }
        return out.toString();
    }
}
