package dev.runway.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The data directory is the server's alone: directories 0700, files 0600. New entries are made so; on every start
 * the whole tree is checked and group's and others' bits are taken away (or, strict, refused with the paths named).
 * Links are never followed. On a file system without POSIX modes nothing is checked.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(FILE_MODE);
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /** The mode without group's and others' bits. */
    private static Set<PosixFilePermission> ownerPart(Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
        owner.addAll(mode);
        owner.removeAll(OTHERS);
        return owner;
    }

    /** Creates {@code dir} (0700) and its missing parents. */
    static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, OWNER_ONLY_DIRECTORY);
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile
        }
    }

    /**
     * Checks {@code root} and everything under it, and {@code extraFiles} (e.g. a key file kept elsewhere): modes
     * open to group or others are tightened, or refused when {@code strict}. Answers the paths tightened.
     */
    static List<String> secure(Path root, boolean strict, List<Path> extraFiles) {
        List<String> loose = new ArrayList<>();
        List<Path> tightened = new ArrayList<>();
        try {
            if (!Files.getFileStore(root).supportsFileAttributeView("posix")) {
                return List.of();
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
                        throws IOException {
                    check(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile()) {
                        check(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                private void check(Path path) throws IOException {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (mode.stream().noneMatch(OTHERS::contains)) {
                        return;
                    }
                    if (strict) {
                        loose.add(path + " (" + PosixFilePermissions.toString(mode) + ")");
                    } else {
                        Files.setPosixFilePermissions(path, ownerPart(mode));
                        tightened.add(path);
                    }
                }
            });
            for (Path file : extraFiles) {
                if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                    if (mode.stream().anyMatch(OTHERS::contains)) {
                        if (strict) {
                            loose.add(file + " (" + PosixFilePermissions.toString(mode) + ")");
                        } else {
                            Files.setPosixFilePermissions(file, ownerPart(mode));
                            tightened.add(file);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the modes under " + root, e);
        }
        if (!loose.isEmpty()) {
            throw new IllegalStateException("--strict: the data directory must be the server's alone (directories "
                    + "0700, files 0600), but " + loose.size() + " entr" + (loose.size() == 1 ? "y is" : "ies are")
                    + " open to others: " + String.join(", ", loose.subList(0, Math.min(5, loose.size())))
                    + (loose.size() > 5 ? ", ..." : "") + "; fix them with chmod -R go-rwx, or start without --strict"
                    + " to have them tightened");
        }
        return tightened.stream().map(Path::toString).toList();
    }
}
