package dev.runway.taskagent.storage;

import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Tar archives compressed with zstd, streamed both ways. Entries keep their mode, mtime and symlink target, and their
 * owner when extracted as root. Extraction refuses, naming the entry, anything that would land outside its target:
 * absolute names, {@code ..}, a path through a symlink (one from the archive included), hard links, device files,
 * FIFOs and sparse files.
 */
public final class Archives {
    private static final int BUFFER = 256 * 1024;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private Archives() {}

    /** What an archive holds or what extraction wrote: entries, regular files and their bytes. */
    public record Summary(int entries, int files, long bytes) {}

    /** An archive written: its file, sha256 (lowercase hex), compressed size and what it holds. */
    public record Written(Path file, String sha256, long size, Summary contents) {}

    /** A file (or tree) to put into an archive under the entry name {@code name} ('/'-separated, relative). */
    public record Source(Path path, String name) {}

    /** An archive entry that is refused. */
    public static final class RefusedEntry extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedEntry(String entry, String why) {
            super("archive entry \"" + entry + "\" refused: " + why);
        }
    }

    /**
     * Writes {@code sources} (each a file, symlink or directory tree; symlinks are kept, never followed) into
     * {@code target} as tar + zstd.
     */
    public static Written create(List<Source> sources, Path target) throws IOException {
        MessageDigest digest = Digests.sha256();
        int entries = 0;
        int files = 0;
        long bytes = 0;
        Map<String, Boolean> written = new LinkedHashMap<>();
        try (OutputStream file = Files.newOutputStream(target);
                DigestOutputStream hashed = new DigestOutputStream(new BufferedOutputStream(file, BUFFER), digest);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(hashed))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            byte[] buffer = new byte[BUFFER];
            for (Source source : sources) {
                List<Path> tree;
                try (Stream<Path> walk = Files.walk(source.path())) { // does not follow symlinks
                    tree = walk.sorted().toList();
                }
                for (Path path : tree) {
                    String relative = source.path().relativize(path).toString().replace('\\', '/');
                    String name = relative.isEmpty() ? source.name() : source.name() + "/" + relative;
                    if (written.putIfAbsent(name, Boolean.TRUE) != null) {
                        continue; // a path given twice (or inside another given path)
                    }
                    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, NO_FOLLOW);
                    TarArchiveEntry entry;
                    if (attributes.isSymbolicLink()) {
                        entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                        entry.setLinkName(Files.readSymbolicLink(path).toString());
                    } else if (attributes.isDirectory()) {
                        entry = new TarArchiveEntry(name + "/");
                    } else if (attributes.isRegularFile()) {
                        entry = new TarArchiveEntry(name);
                        entry.setSize(attributes.size());
                    } else {
                        continue; // sockets, FIFOs, devices: not what a cache or workspace carries
                    }
                    entry.setMode(mode(attributes.permissions()) | (entry.getMode() & ~0777));
                    entry.setModTime(attributes.lastModifiedTime());
                    Object uid = Files.getAttribute(path, "unix:uid", NO_FOLLOW);
                    Object gid = Files.getAttribute(path, "unix:gid", NO_FOLLOW);
                    entry.setUserId(((Number) uid).longValue());
                    entry.setGroupId(((Number) gid).longValue());
                    tar.putArchiveEntry(entry);
                    if (attributes.isRegularFile()) {
                        long copied = 0;
                        try (InputStream in = Files.newInputStream(path)) {
                            for (int read; copied < attributes.size() && (read = in.read(buffer, 0,
                                    (int) Math.min(buffer.length, attributes.size() - copied))) >= 0; ) {
                                tar.write(buffer, 0, read);
                                copied += read;
                            }
                        }
                        if (copied != attributes.size()) {
                            throw new IOException(path + " shrank while it was archived");
                        }
                        files++;
                        bytes += copied;
                    }
                    tar.closeArchiveEntry();
                    entries++;
                }
            }
            tar.finish();
        }
        return new Written(target, HexFormat.of().formatHex(digest.digest()), Files.size(target),
                new Summary(entries, files, bytes));
    }

    /**
     * Extracts {@code archive}: an entry's first name component picks its target directory from {@code roots}
     * (created when missing), the rest is its path there. An entry's file replaces what is there, a symlink at its
     * place included (never written through). Refuses, naming the entry, what would leave its target; entries before
     * a refused one stay.
     */
    public static Summary extract(Path archive, Map<String, Path> roots) throws IOException {
        Map<String, Path> real = new LinkedHashMap<>();
        boolean asRoot = isRoot();
        int entries = 0;
        int files = 0;
        long bytes = 0;
        List<Map.Entry<Path, FileTime>> directoryTimes = new ArrayList<>();
        byte[] buffer = new byte[BUFFER];
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
                TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(file))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                String top = slash < 0 ? name : name.substring(0, slash);
                String rest = slash < 0 ? "" : name.substring(slash + 1);
                if (!roots.containsKey(top)) {
                    throw new RefusedEntry(name, "it is not under " + String.join(", ", roots.keySet()));
                }
                Path root = real.get(top);
                if (root == null) {
                    root = Files.createDirectories(roots.get(top)).toRealPath();
                    real.put(top, root);
                }
                Path path = checkedPath(root, rest, name);
                if (path.equals(root)) {
                    if (entry.isDirectory()) {
                        continue;
                    }
                    throw new RefusedEntry(name, "it names the target directory itself");
                }
                if (entry.isSparse() || entry.isGNUSparse() || entry.isOldGNUSparse() || entry.isPaxGNUSparse()
                        || entry.isStarSparse()) {
                    throw new RefusedEntry(name, "sparse files are not extracted");
                }
                if (entry.isLink()) {
                    throw new RefusedEntry(name, "hard links are not extracted");
                }
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new RefusedEntry(name, "device files and FIFOs are not extracted");
                }
                requireNoSymlinkAbove(root, path, name);
                Files.createDirectories(path.getParent());
                if (entry.isDirectory()) {
                    if (Files.isSymbolicLink(path) || Files.exists(path, NO_FOLLOW) && !Files.isDirectory(path,
                            NO_FOLLOW)) {
                        Files.delete(path);
                    }
                    Files.createDirectories(path);
                    directoryTimes.add(Map.entry(path, entry.getLastModifiedTime()));
                } else if (entry.isSymbolicLink()) {
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    if (Files.isDirectory(path, NO_FOLLOW)) {
                        throw new RefusedEntry(name, "a directory of that name is in the way");
                    }
                    Files.deleteIfExists(path); // a symlink there is replaced, not written through
                    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        for (int read; (read = tar.read(buffer)) >= 0; ) {
                            out.write(buffer, 0, read);
                            bytes += read;
                        }
                    } catch (FileAlreadyExistsException raced) {
                        throw new RefusedEntry(name, "something appeared at its place while extracting");
                    }
                    files++;
                } else {
                    throw new RefusedEntry(name, "entries of type '" + (char) entry.getLinkFlag()
                            + "' are not extracted");
                }
                if (!entry.isSymbolicLink()) {
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
                if (asRoot) {
                    Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NO_FOLLOW);
                    Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NO_FOLLOW);
                }
                if (!entry.isDirectory()) {
                    Files.getFileAttributeView(path, BasicFileAttributeView.class, NO_FOLLOW)
                            .setTimes(entry.getLastModifiedTime(), null, null);
                }
                entries++;
            }
        }
        // directories last, deepest first: writing into a directory changes its mtime
        directoryTimes.sort(Comparator.comparingInt((Map.Entry<Path, FileTime> e) -> e.getKey().getNameCount())
                .reversed());
        for (Map.Entry<Path, FileTime> directory : directoryTimes) {
            Files.getFileAttributeView(directory.getKey(), BasicFileAttributeView.class, NO_FOLLOW)
                    .setTimes(directory.getValue(), null, null);
        }
        return new Summary(entries, files, bytes);
    }

    /** The entry's place under {@code root}: a relative name of plain components that stays inside. */
    static Path checkedPath(Path root, String relative, String name) throws RefusedEntry {
        if (relative.startsWith("/") || relative.matches("^[A-Za-z]:.*")) {
            throw new RefusedEntry(name, "absolute paths are not extracted");
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw new RefusedEntry(name, "\"..\" would leave the target directory");
            }
            if (part.indexOf('\0') >= 0) {
                throw new RefusedEntry(name, "a NUL character in the name");
            }
        }
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root)) {
            throw new RefusedEntry(name, "it would land outside the target directory");
        }
        return path;
    }

    /** Refuses a path whose parent, below {@code root}, is a symlink (an earlier entry may have planted one). */
    private static void requireNoSymlinkAbove(Path root, Path path, String name) throws RefusedEntry {
        for (Path parent = path.getParent(); parent != null && !parent.equals(root); parent = parent.getParent()) {
            if (Files.isSymbolicLink(parent)) {
                throw new RefusedEntry(name, "it would be written through the symlink " + root.relativize(parent));
            }
            if (Files.exists(parent, NO_FOLLOW) && !Files.isDirectory(parent, NO_FOLLOW)) {
                throw new RefusedEntry(name, root.relativize(parent) + " is not a directory");
            }
        }
    }

    /** Whether this process runs as root (then entries get their owners back). */
    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 0400 >> permission.ordinal();
        }
        return mode;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : PosixFilePermission.values()) {
            if ((mode & (0400 >> permission.ordinal())) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }
}
