package dev.runway.taskagent.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code persist_to_workspace}'s paths: names relative to a root, with glob characters ({@code * ? [ ] { }}). */
public final class Globs {
    private Globs() {}

    /** Whether {@code pattern} has glob characters. */
    public static boolean isGlob(String pattern) {
        return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * What {@code pattern} names under {@code root}: the one path when it has no glob characters (whether or not it
     * exists), else every existing path whose name relative to {@code root} matches it, in order.
     */
    public static List<Path> expand(Path root, String pattern) throws IOException {
        if (!isGlob(pattern)) {
            return List.of(root.resolve(pattern).normalize());
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> matches = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                Path relative = root.relativize(path);
                if (!relative.toString().isEmpty() && matcher.matches(relative)) {
                    matches.add(path);
                }
            }
        }
        return matches;
    }
}
