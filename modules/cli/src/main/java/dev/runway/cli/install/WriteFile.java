package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** Writes a file with a given content, mode and owner, atomically. The content is never printed. */
public final class WriteFile implements Step {

    /** Produces the content when the step needs it (it may read a file the user named). */
    @FunctionalInterface
    public interface Content {
        byte[] get() throws IOException;
    }

    private final Path target;
    private final String shownPath;
    private final Content content;
    private final Set<PosixFilePermission> mode;
    private final Ownership owner;
    private final String source;

    /**
     * @param shownPath the path as the user thinks of it (without the --root prefix)
     * @param source    where the content comes from, for the description ("generated", "from FILE")
     */
    public WriteFile(Path target, String shownPath, Content content, String mode, Ownership owner, String source) {
        this.target = target;
        this.shownPath = shownPath;
        this.content = content;
        this.mode = PosixFilePermissions.fromString(mode);
        this.owner = owner;
        this.source = source;
    }

    @Override
    public String describe() {
        return "write " + shownPath + " (" + owner.describe() + ", " + Modes.octal(mode) + ", " + source + ")";
    }

    @Override
    public boolean isDone() throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<FileOwner> wanted = owner.resolve();
        return wanted.isPresent() && wanted.get().equals(FileOwner.of(target))
                && Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS).equals(mode)
                && Arrays.equals(Files.readAllBytes(target), content.get());
    }

    @Override
    public void apply() throws IOException {
        byte[] bytes = content.get();
        FileOwner wanted = owner.require();
        EnsureDirectory.createParents(target.toAbsolutePath().getParent(), wanted);
        AtomicFiles.write(target, bytes, mode, wanted);
    }
}
