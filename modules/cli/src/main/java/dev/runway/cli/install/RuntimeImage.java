package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A Runway jlink image: a directory with bin/runway, bin/java and lib/modules. */
public final class RuntimeImage {
    /** What jlink puts at the top of an image; anything else at the prefix is the user's. */
    static final List<String> TOP_LEVEL = List.of("bin", "conf", "include", "legal", "lib", "man", "release");

    private RuntimeImage() {}

    public static boolean isImage(Path directory) {
        return Files.isRegularFile(directory.resolve("bin/runway")) && Files.isRegularFile(directory.resolve("bin/java"))
                && Files.isRegularFile(directory.resolve("lib/modules"));
    }

    /** The image this process runs from, if it runs from one (java.home of a jlink image is the image). */
    public static Optional<Path> running() {
        Path home = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        return isImage(home) ? Optional.of(home) : Optional.empty();
    }

    /**
     * Whether {@code installed} holds the image {@code image}: the same relative paths, kinds, modes and bytes under
     * each of the image's top-level entries (bin, lib, ...). Other top-level entries of the installed directory (a
     * launch-task script the user put there) are not part of the image and do not count.
     */
    public static boolean sameContent(Path image, Path installed) throws IOException {
        if (!Files.isDirectory(image) || !Files.isDirectory(installed)) {
            return false;
        }
        List<Path> left = entries(image);
        List<Path> right = entries(installed);
        right.removeIf(p -> !Files.exists(image.resolve(p.getName(0).toString()), LinkOption.NOFOLLOW_LINKS));
        if (!left.equals(right)) {
            return false;
        }
        for (Path relative : left) {
            Path x = image.resolve(relative);
            Path y = installed.resolve(relative);
            if (Files.isSymbolicLink(x) || Files.isSymbolicLink(y)) {
                if (!Files.isSymbolicLink(x) || !Files.isSymbolicLink(y)
                        || !Files.readSymbolicLink(x).equals(Files.readSymbolicLink(y))) {
                    return false;
                }
            } else if (Files.isDirectory(x) != Files.isDirectory(y)
                    || !Files.getPosixFilePermissions(x, LinkOption.NOFOLLOW_LINKS)
                            .equals(Files.getPosixFilePermissions(y, LinkOption.NOFOLLOW_LINKS))
                    || (Files.isRegularFile(x) && Files.mismatch(x, y) != -1)) {
                return false;
            }
        }
        return true;
    }

    /** Top-level entries of {@code installed} that the image does not have: the user's, carried over on update. */
    static List<Path> extras(Path image, Path installed) throws IOException {
        List<Path> extras = new ArrayList<>();
        try (Stream<Path> list = Files.list(installed)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (!Files.exists(image.resolve(p.getFileName().toString()), LinkOption.NOFOLLOW_LINKS)) {
                    extras.add(p.getFileName());
                }
            }
        }
        return extras;
    }

    static List<Path> entries(Path root) throws IOException {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> result.add(root.relativize(p)));
        }
        Collections.sort(result);
        return result;
    }
}
