package dev.runway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory that another user (a task user such as {@code nobody}) can reach, for what a test runs as that user:
 * scripts, work directories, a task agent's files. A checkout may lie where only its owner can enter (a clone in a
 * {@code mktemp -d} folder, or in /root), so nothing such a user needs may stay under the checkout's target/; this is
 * made in the system temporary directory instead, and every folder on its path is checked to let others through.
 */
public final class SharedDirectory implements AutoCloseable {
    private final Path path;

    private SharedDirectory(Path path) {
        this.path = path;
    }

    /** A fresh directory named {@code prefix...} in java.io.tmpdir, mode {@code rwxr-xr-x}. */
    public static SharedDirectory create(String prefix) throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        Path dir = Files.createTempDirectory(base, prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertOthersCanReach(dir);
        return new SharedDirectory(dir);
    }

    public Path path() {
        return path;
    }

    /** A subdirectory every user may write to (rwxrwxrwx), e.g. a task's working directory. */
    public Path writableDirectory(String name) throws IOException {
        Path dir = Files.createDirectories(path.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Fails, naming the folder, when some folder on the way to {@code dir} does not let other users through. */
    public static void assertOthersCanReach(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException(p + " does not let other users through (mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + "), so " + dir
                        + " is out of a task user's reach; set java.io.tmpdir to a folder others can enter");
            }
        }
    }

    /** Removes the directory and everything in it. */
    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
    }
}
