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

    /** Same relative paths, same kinds, same modes, same bytes. */
    public static boolean sameContent(Path a, Path b) throws IOException {
        if (!Files.isDirectory(a) || !Files.isDirectory(b)) {
            return false;
        }
        List<Path> left = entries(a);
        if (!left.equals(entries(b))) {
            return false;
        }
        for (Path relative : left) {
            Path x = a.resolve(relative);
            Path y = b.resolve(relative);
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

    static List<Path> entries(Path root) throws IOException {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> result.add(root.relativize(p)));
        }
        Collections.sort(result);
        return result;
    }
}
