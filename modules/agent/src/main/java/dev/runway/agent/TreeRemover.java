package dev.runway.agent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a task's working directory, whatever the job left there: read-only files and directories and symbolic
 * links (the link is removed, never what it points to).
 *
 * <p>The agent usually runs as root while a process of the job may still be alive (escaped, or belonging to a
 * concurrent task of the same user) and swap any directory for a link to a root-owned one. So the tree is walked
 * through open directory handles ({@link SecureDirectoryStream}: {@code openat}/{@code unlinkat} relative to a
 * handle, {@code O_NOFOLLOW}): an entry is opened as a directory only if it is one at the moment it is opened, it
 * is deleted inside the directory handle it was listed from, and permissions are changed on the open handle itself,
 * never on a path that could be a link by then.
 */
public final class TreeRemover {
    /** How many times a directory is listed again when entries appear in it while it is being removed. */
    private static final int MAX_PASSES = 5;
    private static final Set<PosixFilePermission> OWNER_ALL = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private TreeRemover() {}

    /** Deletes {@code root} and everything under it. A missing root is fine. Throws listing what could not go. */
    public static void remove(Path root) throws IOException {
        Path absolute = root.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null || !Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
            if (!(parentStream instanceof SecureDirectoryStream<Path> secureParent)) {
                throw new IOException("cannot remove " + root + " safely: this platform has no directory handles"
                        + " (SecureDirectoryStream)");
            }
            removeEntry(secureParent, absolute.getFileName(), absolute, failures);
        }
        if (!failures.isEmpty()) {
            throw new IOException("could not remove all of " + root + ": " + String.join("; ",
                    failures.subList(0, Math.min(5, failures.size())))
                    + (failures.size() > 5 ? " (and " + (failures.size() - 5) + " more)" : ""));
        }
    }

    /** Removes {@code name} inside the directory handle {@code parent}; {@code shown} is its path for messages. */
    private static void removeEntry(SecureDirectoryStream<Path> parent, Path name, Path shown, List<String> failures) {
        BasicFileAttributes attributes;
        try {
            attributes = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException gone) {
            return;
        } catch (IOException e) {
            failures.add(shown + ": " + e.getMessage());
            return;
        }
        if (!attributes.isDirectory()) {
            deleteFile(parent, name, shown, failures);
            return;
        }
        // A live process of the job may add entries (a rename into the directory) after it was listed: list again
        // until it is empty, a bounded number of times, since such a process could keep adding.
        for (int pass = 1; ; pass++) {
            emptyDirectory(parent, name, shown, failures);
            try {
                parent.deleteDirectory(name);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (DirectoryNotEmptyException refilled) {
                if (pass == MAX_PASSES) {
                    failures.add(shown + ": still not empty after " + MAX_PASSES + " passes (a process of the job"
                            + " keeps adding entries)");
                    return;
                }
            } catch (FileSystemException notADirectory) {
                // Swapped for a link or a file after it was emptied: unlinkat without AT_REMOVEDIR removes the entry
                // itself, never what a link points to.
                deleteFile(parent, name, shown, failures);
                return;
            } catch (IOException e) {
                failures.add(shown + ": " + e.getMessage());
                return;
            }
        }
    }

    private static void emptyDirectory(SecureDirectoryStream<Path> parent, Path name, Path shown,
            List<String> failures) {
        // O_NOFOLLOW: if the entry was swapped for a link since its attributes were read, this open fails.
        try (SecureDirectoryStream<Path> directory = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            makeOwnerWritable(directory);
            List<Path> entries = new ArrayList<>();
            directory.forEach(entries::add);
            for (Path entry : entries) {
                removeEntry(directory, entry.getFileName(), shown.resolve(entry.getFileName()), failures);
            }
        } catch (NoSuchFileException gone) {
            // Removed meanwhile.
        } catch (AccessDeniedException locked) {
            // Only an agent that is not root meets a directory it may not list (mode 000): the job's files are then
            // the agent user's own, so opening the mode up through the parent handle reaches nothing new.
            if (openUp(parent, name) || openUpAsOwner(shown)) {
                emptyDirectory(parent, name, shown, failures);
            } else {
                failures.add(shown + ": " + locked.getMessage());
            }
        } catch (FileSystemException | RuntimeException notADirectoryAnyMore) {
            // A link swapped in (ELOOP / ENOTDIR): deleteEntry removes the link, never its target.
        } catch (IOException e) {
            failures.add(shown + ": " + e.getMessage());
        }
    }

    /** u+rwx on the open directory (fchmod on its handle), so its entries can be deleted. */
    private static void makeOwnerWritable(SecureDirectoryStream<Path> directory) {
        try {
            PosixFileAttributeView view = directory.getFileAttributeView(PosixFileAttributeView.class);
            if (view == null) {
                return;
            }
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            permissions.addAll(view.readAttributes().permissions());
            if (permissions.addAll(OWNER_ALL)) {
                view.setPermissions(permissions);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not ours to change (another owner): the deletes report what fails.
        }
    }

    /** u+rwx on an entry the agent may not open, through the parent handle and without following a link. */
    private static boolean openUp(SecureDirectoryStream<Path> parent, Path name) {
        try {
            PosixFileAttributeView view =
                    parent.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            BasicFileAttributes attributes = view.readAttributes();
            if (!attributes.isDirectory()) {
                return false;
            }
            Set<PosixFilePermission> permissions = EnumSet.copyOf(OWNER_ALL);
            permissions.addAll(view.readAttributes().permissions());
            view.setPermissions(permissions);
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Opening a mode-000 directory (even to fchmod it) needs read permission, which only root has without asking.
     * An agent that is not root may chmod by path: a link swapped in could only lead it to files it owns itself.
     */
    private static boolean openUpAsOwner(Path shown) {
        if ("root".equals(System.getProperty("user.name"))) {
            return false;
        }
        try {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(OWNER_ALL);
            permissions.addAll(Files.getPosixFilePermissions(shown, LinkOption.NOFOLLOW_LINKS));
            Files.setPosixFilePermissions(shown, permissions);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void deleteFile(SecureDirectoryStream<Path> parent, Path name, Path shown, List<String> failures) {
        try {
            parent.deleteFile(name);
        } catch (NoSuchFileException gone) {
            // Removed meanwhile.
        } catch (IOException e) {
            failures.add(shown + ": " + e.getMessage());
        }
    }
}
