package dev.runway.agent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a task's working directory, whatever the job left there: read-only files and directories (made writable
 * by their owner as the walk goes) and symbolic links (the link is removed, never what it points to, so a link to
 * /etc cannot make cleanup delete /etc). Symlinks are never followed: not at the top, not inside.
 */
public final class TreeRemover {
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private TreeRemover() {}

    /** Deletes {@code root} and everything under it. A missing root is fine. Throws listing what could not go. */
    public static void remove(Path root) throws IOException {
        List<String> failures = new ArrayList<>();
        removeTree(root, failures);
        if (!failures.isEmpty()) {
            throw new IOException("could not remove all of " + root + ": " + String.join("; ",
                    failures.subList(0, Math.min(5, failures.size())))
                    + (failures.size() > 5 ? " (and " + (failures.size() - 5) + " more)" : ""));
        }
    }

    private static void removeTree(Path root, List<String> failures) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree without FOLLOW_LINKS reports a symlink (even one to a directory) as a file: we delete the link.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                makeOwnerWritable(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                delete(file, failures);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof AccessDeniedException && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    // A directory we may not even list (mode 000): open it up, then walk it on its own.
                    makeOwnerWritable(file);
                    try {
                        if (Files.isReadable(file)) {
                            removeTree(file, failures);
                            return FileVisitResult.CONTINUE;
                        }
                    } catch (IOException again) {
                        failures.add(file + ": " + again.getMessage());
                        return FileVisitResult.CONTINUE;
                    }
                }
                if (!(e instanceof NoSuchFileException)) {
                    failures.add(file + ": " + e.getMessage());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                delete(dir, failures);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** u+rwx on a real directory (never through a link), so its entries can be listed and deleted. */
    private static void makeOwnerWritable(Path dir) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isDirectory() || !Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                return;
            }
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            permissions.addAll(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
            if (permissions.addAll(OWNER_ALL)) {
                // Checked just above that dir is a real directory, not a link (the job's processes are gone by now).
                Files.setPosixFilePermissions(dir, permissions);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not ours to change (another owner): the delete reports what fails.
        }
    }

    private static void delete(Path path, List<String> failures) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            failures.add(path + ": " + e.getMessage());
        }
    }
}
