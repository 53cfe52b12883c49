package dev.runway.cli.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Installs a runtime image at the prefix: copied into a staging directory next to the prefix (same file system),
 * every file synced, then renamed into place. An older image is renamed aside first and removed at the end; if the
 * final rename fails the old image is put back.
 */
public final class InstallImage implements Step {
    private final Path source;
    private final Path prefix;
    private final String shownPrefix;
    private final boolean chownToRoot;

    public InstallImage(Path source, Path prefix, String shownPrefix, boolean chownToRoot) {
        this.source = source;
        this.prefix = prefix;
        this.shownPrefix = shownPrefix;
        this.chownToRoot = chownToRoot;
    }

    @Override
    public String describe() {
        return "install the runtime image " + source + " at " + shownPrefix;
    }

    @Override
    public boolean isDone() throws IOException {
        return source.toAbsolutePath().normalize().equals(prefix.toAbsolutePath().normalize())
                || RuntimeImage.sameContent(source, prefix);
    }

    @Override
    public void apply() throws IOException {
        if (!RuntimeImage.isImage(source)) {
            throw new IOException(source + " is not a runway image (it needs bin/runway, bin/java, lib/modules)");
        }
        if (Files.exists(prefix, LinkOption.NOFOLLOW_LINKS) && !RuntimeImage.isImage(prefix) && !isEmptyDirectory(prefix)) {
            throw new IOException("refusing to replace " + shownPrefix
                    + ": it exists and is not a runway image (no bin/runway); choose another --prefix");
        }
        Path parent = prefix.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        removeStaleStaging(parent);
        Path staging = Files.createTempDirectory(parent, "." + prefix.getFileName() + ".new-");
        try {
            copyTree(source, staging);
            Files.setPosixFilePermissions(staging, Files.getPosixFilePermissions(source));
            swapInto(staging);
        } finally {
            RemoveTree.delete(staging);
        }
    }

    private void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path)) {
                    if (!path.equals(from)) {
                        Files.createDirectory(target);
                        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(path));
                    }
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                    AtomicFiles.syncFile(target);
                }
                if (chownToRoot) {
                    FileOwner.ROOT.applyTo(target);
                }
            }
        }
    }

    private void swapInto(Path staging) throws IOException {
        Path old = null;
        if (Files.exists(prefix, LinkOption.NOFOLLOW_LINKS)) {
            for (Path extra : RuntimeImage.extras(source, prefix)) {
                copyOver(prefix.resolve(extra), staging.resolve(extra));
            }
            old = staging.resolveSibling("." + prefix.getFileName() + ".old-" + staging.getFileName());
            Files.move(prefix, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, prefix, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, prefix, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        AtomicFiles.syncDirectory(prefix.getParent());
        if (old != null) {
            RemoveTree.delete(old);
        }
    }

    /** A run killed half-way (power loss, SIGKILL) leaves its staging copy; it is never used, so it goes. */
    private void removeStaleStaging(Path parent) throws IOException {
        String name = "." + prefix.getFileName();
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path sibling : (Iterable<Path>) siblings::iterator) {
                String file = sibling.getFileName().toString();
                if (file.startsWith(name + ".new-") || file.startsWith(name + ".old-")) {
                    RemoveTree.delete(sibling);
                }
            }
        }
    }

    /** Files of the user's at the prefix (not part of any image) go into the new image directory too. */
    private void copyOver(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(path));
                    FileOwner.of(path).applyTo(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    if (!Files.isSymbolicLink(target)) {
                        AtomicFiles.syncFile(target);
                    }
                }
            }
        }
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> list = Files.list(path)) {
            return list.findAny().isEmpty();
        }
    }

}
