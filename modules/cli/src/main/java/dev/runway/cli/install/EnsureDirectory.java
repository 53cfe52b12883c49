package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * A directory with a given mode and owner. Missing parents are created 0755 with the same owner, as {@code mkdir -p}
 * run by that owner would.
 */
public final class EnsureDirectory implements Step {
    private static final Set<PosixFilePermission> PARENT_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path directory;
    private final String shownPath;
    private final Set<PosixFilePermission> mode;
    private final Ownership owner;

    public EnsureDirectory(Path directory, String shownPath, String mode, Ownership owner) {
        this.directory = directory;
        this.shownPath = shownPath;
        this.mode = PosixFilePermissions.fromString(mode);
        this.owner = owner;
    }

    @Override
    public String describe() {
        return "directory " + shownPath + " (" + owner.describe() + ", " + Modes.octal(mode) + ")";
    }

    @Override
    public boolean isDone() throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<FileOwner> wanted = owner.resolve();
        return wanted.isPresent() && wanted.get().equals(FileOwner.of(directory))
                && Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(mode);
    }

    @Override
    public void apply() throws IOException {
        FileOwner wanted = owner.require();
        createParents(directory.toAbsolutePath().getParent(), wanted);
        if (!Files.isDirectory(directory)) {
            // Created with no access for others, then owned and opened up: nobody else sees it half-set-up.
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            AtomicFiles.syncDirectory(directory.getParent());
        }
        wanted.applyTo(directory);
        Files.setPosixFilePermissions(directory, mode);
    }

    static void createParents(Path parent, FileOwner owner) throws IOException {
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        createParents(parent.getParent(), owner);
        Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PARENT_MODE));
        owner.applyTo(parent);
        Files.setPosixFilePermissions(parent, PARENT_MODE);
    }
}
