package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Removes a file or a directory tree (uninstall). A guard refuses paths that are not what the install put there. */
public final class RemoveTree implements Step {

    /** Checks, before anything is deleted, that the path is the thing the install created. */
    @FunctionalInterface
    public interface Guard {
        /** Null when the path may be removed, else why not. */
        String refusal(Path path) throws IOException;
    }

    private final Path path;
    private final String shownPath;
    private final String what;
    private final Guard guard;

    public RemoveTree(Path path, String shownPath, String what, Guard guard) {
        this.path = path;
        this.shownPath = shownPath;
        this.what = what;
        this.guard = guard;
    }

    public static Guard anything() {
        return path -> null;
    }

    @Override
    public String describe() {
        return "remove " + what + " " + shownPath;
    }

    @Override
    public boolean isDone() {
        return !Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void apply() throws IOException {
        String refusal = guard.refusal(path);
        if (refusal != null) {
            throw new IOException("refusing to remove " + shownPath + ": " + refusal);
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            // Renamed aside first, so an interrupted removal never leaves a half-deleted tree at the real path.
            Path aside = Files.createTempDirectory(path.toAbsolutePath().getParent(), "." + path.getFileName() + ".remove-");
            Path moved = aside.resolve("tree");
            Files.move(path, moved, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            delete(aside);
        } else {
            Files.delete(path);
        }
        AtomicFiles.syncDirectory(path.toAbsolutePath().getParent());
    }

    static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
