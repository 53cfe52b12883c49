package dev.runway.taskagent.storage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Tar archives compressed with zstd, streamed both ways. Entries keep their mode, mtime and symlink target, and their
 * owner when extracted as root. Extraction refuses, naming the entry, anything that would land outside its target:
 * absolute names, {@code ..}, a path through a symlink (one from the archive included), hard links, device files,
 * FIFOs and sparse files.
 */
public final class Archives {
    private static final int BUFFER = 256 * 1024;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** A Windows drive at the start of a name: absolute there. */
    private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:");

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
        Summary contents;
        try (OutputStream file = Files.newOutputStream(target);
                DigestOutputStream hashed = new DigestOutputStream(new BufferedOutputStream(file, BUFFER), digest)) {
            contents = write(sources, hashed);
        }
        return new Written(target, HexFormat.of().formatHex(digest.digest()), Files.size(target), contents);
    }

    /**
     * Writes {@code sources} as {@link #create(List, Path)} does, into {@code out} (an upload's body, say), which
     * stays open; answers what the archive holds.
     */
    public static Summary create(List<Source> sources, OutputStream out) throws IOException {
        return write(sources, out);
    }

    /**
     * Writes {@code sources} as tar + zstd into {@code out}, which is flushed and stays open. A thread of its own
     * walks the sources and reads their files ({@link ReadAhead}) while this one compresses and writes.
     */
    private static Summary write(List<Source> sources, OutputStream out) throws IOException {
        Creation creation = new Creation(sources.size() > 1);
        OutputStream zstd = ZstdStreams.compressing(new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the caller's stream stays open
            }
        });
        try (zstd) {
            ReadAhead.copy("archive reader", (sink, first) -> {
                TarWriter tar = new TarWriter(sink, first);
                for (Source source : sources) {
                    creation.add(tar, source.path(), source.name());
                }
                tar.finish();
            }, zstd);
        }
        return new Summary(creation.entries, creation.files, creation.bytes);
    }

    /** One archive's walk: it reads each path's attributes with one {@code lstat}. */
    private static final class Creation {
        /** What the {@code unix} attribute view reads in one {@code lstat}, without user or group name look-ups. */
        private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime";
        private static final int TYPE = 0170000;
        private static final int SYMLINK = 0120000;
        private static final int DIRECTORY = 0040000;
        private static final int REGULAR = 0100000;
        /** Opens a file, not through a symlink that took its place since its {@code lstat} (one set for all). */
        private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS);

        /** The names written, where several sources may name one path; null for one source, whose names differ. */
        private final Set<String> written;
        private int entries;
        private int files;
        private long bytes;

        Creation(boolean severalSources) {
            written = severalSources ? new HashSet<>() : null;
        }

        /** Adds {@code path} as {@code name}, then a directory's entries in name order (symlinks never followed). */
        void add(TarWriter tar, Path path, String name) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES, NO_FOLLOW);
            int mode = (Integer) attributes.get("mode");
            int type = mode & TYPE;
            // a path given twice (or inside another given path) is written once
            if ((written == null || written.add(name)) && (type == SYMLINK || type == DIRECTORY || type == REGULAR)) {
                // sockets, FIFOs, devices are skipped: not what a cache or workspace carries
                write(tar, path, name, type, mode & 0777, attributes);
            }
            if (type == DIRECTORY) {
                List<Path> children = new ArrayList<>();
                try (DirectoryStream<Path> listing = Files.newDirectoryStream(path)) {
                    listing.forEach(children::add);
                }
                children.sort(null);
                for (Path child : children) {
                    add(tar, child, name + "/" + child.getFileName());
                }
            }
        }

        private void write(TarWriter tar, Path path, String name, int type, int permissions,
                Map<String, Object> attributes) throws IOException {
            FileTime mtime = (FileTime) attributes.get("lastModifiedTime");
            long uid = ((Number) attributes.get("uid")).longValue();
            long gid = ((Number) attributes.get("gid")).longValue();
            if (type == SYMLINK) {
                tar.symlink(name, Files.readSymbolicLink(path).toString(), permissions, uid, gid, mtime);
            } else if (type == DIRECTORY) {
                tar.directory(name, permissions, uid, gid, mtime);
            } else {
                long size = (Long) attributes.get("size");
                long copied;
                try (FileChannel in = FileChannel.open(path, READ_NO_FOLLOW)) {
                    copied = tar.file(name, permissions, uid, gid, mtime, size, in);
                }
                if (copied != size) {
                    throw new IOException(path + " shrank while it was archived");
                }
                files++;
                bytes += copied;
            }
            entries++;
        }
    }

    /**
     * Extracts {@code archive}: an entry's first name component picks its target directory from {@code roots}
     * (created when missing), the rest is its path there. An entry's file replaces what is there, a symlink at its
     * place included (never written through). Refuses, naming the entry, what would leave its target; entries before
     * a refused one stay.
     */
    public static Summary extract(Path archive, Map<String, Path> roots) throws IOException {
        try (InputStream file = Files.newInputStream(archive)) {
            return extract(file, roots, placed -> { });
        }
    }

    /**
     * Extracts the archive {@code in} holds as {@link #extract(Path, Map)} does (reading no further than its end;
     * {@code in} stays open), telling {@code placed} each path it is about to write (a file, symlink or directory
     * entry), so that a caller that finds the archive untrustworthy afterwards can remove them.
     */
    public static Summary extract(InputStream in, Map<String, Path> roots, Consumer<Path> placed)
            throws IOException {
        Map<String, Path> real = new LinkedHashMap<>();
        boolean asRoot = isRoot();
        int entries = 0;
        int files = 0;
        long bytes = 0;
        List<Map.Entry<Path, FileTime>> directoryTimes = new ArrayList<>();
        // the access time extracted files get, as with tar -x (given, so that setting the mtime reads nothing first)
        FileTime now = FileTime.fromMillis(System.currentTimeMillis());
        // directories (with every one above them up to their root) this extraction made or found to be real ones:
        // an entry below one needs no symlink check; a symlink entry that replaces one takes it and those below out.
        // True for one this extraction made: what is in it came from the archive, so a file is created at once.
        Map<Path, Boolean> directories = new HashMap<>();
        byte[] buffer = new byte[BUFFER];
        try (InputStream file = new BufferedInputStream(new java.io.FilterInputStream(in) {
                    @Override
                    public void close() {
                        // the caller's stream: it reads on after the archive's end (to hash the rest)
                    }
                }, BUFFER);
                TarArchiveInputStream tar = new TarArchiveInputStream(ZstdStreams.decompressing(file))) {
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
                    directories.put(root, false);
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
                placed.accept(path);
                Path parent = path.getParent();
                Boolean parentMade = directories.get(parent);
                if (parentMade == null) {
                    requireNoSymlinkAbove(root, path, name);
                    Files.createDirectories(parent);
                    parentMade = false;
                    for (Path above = parent; directories.putIfAbsent(above, false) == null;
                            above = above.getParent()) {
                        // up to the first one known (the root at the latest)
                    }
                }
                if (entry.isDirectory()) {
                    if (!directories.containsKey(path)) {
                        directories.put(path, makeDirectory(path, name));
                    }
                    directoryTimes.add(Map.entry(path, entry.getLastModifiedTime()));
                } else if (entry.isSymbolicLink()) {
                    if (directories.containsKey(path)) {
                        directories.keySet().removeIf(known -> known.startsWith(path));
                    }
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    bytes += writeFile(tar, path, name, buffer, !parentMade);
                    files++;
                } else {
                    throw new RefusedEntry(name, "entries of type '" + (char) entry.getLinkFlag()
                            + "' are not extracted");
                }
                if (!entry.isSymbolicLink()) {
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
                if (asRoot) {
                    setOwner(path, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
                }
                if (!entry.isDirectory()) {
                    Files.getFileAttributeView(path, BasicFileAttributeView.class, NO_FOLLOW)
                            .setTimes(entry.getLastModifiedTime(), now, null);
                }
                entries++;
            }
        }
        // directories last, deepest first: writing into a directory changes its mtime
        directoryTimes.sort(Comparator.comparingInt((Map.Entry<Path, FileTime> e) -> e.getKey().getNameCount())
                .reversed());
        for (Map.Entry<Path, FileTime> directory : directoryTimes) {
            Files.getFileAttributeView(directory.getKey(), BasicFileAttributeView.class, NO_FOLLOW)
                    .setTimes(directory.getValue(), now, null);
        }
        return new Summary(entries, files, bytes);
    }

    /**
     * Makes the directory of a directory entry, replacing a file or symlink of that name; answers whether it was made
     * (false: a directory was there).
     */
    private static boolean makeDirectory(Path path, String name) throws IOException {
        try {
            Files.createDirectory(path);
            return true;
        } catch (FileAlreadyExistsException there) {
            if (Files.isDirectory(path, NO_FOLLOW)) {
                return false;
            }
        }
        Files.delete(path); // a file or a symlink (never followed)
        try {
            Files.createDirectory(path);
        } catch (FileAlreadyExistsException raced) {
            throw new RefusedEntry(name, "something appeared at its place while extracting");
        }
        return true;
    }

    /**
     * Writes the current entry's bytes to a new file at {@code path}. What is there already is replaced (a symlink
     * included, never written through); {@code mayExist} false skips looking first, in a directory this extraction
     * made, and looks only when the name turns out to be taken (by an earlier entry of the same name).
     */
    private static long writeFile(TarArchiveInputStream tar, Path path, String name, byte[] buffer, boolean mayExist)
            throws IOException {
        if (mayExist) {
            if (Files.isDirectory(path, NO_FOLLOW)) {
                throw new RefusedEntry(name, "a directory of that name is in the way");
            }
            Files.deleteIfExists(path);
        }
        long bytes = 0;
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int read; (read = tar.read(buffer)) >= 0; ) {
                out.write(buffer, 0, read);
                bytes += read;
            }
        } catch (FileAlreadyExistsException taken) {
            if (mayExist || bytes > 0) {
                throw new RefusedEntry(name, "something appeared at its place while extracting");
            }
            return writeFile(tar, path, name, buffer, true);
        }
        return bytes;
    }

    /** Gives {@code path} (never followed) the entry's owner, changing only what differs. */
    private static void setOwner(Path path, int uid, int gid) throws IOException {
        Map<String, Object> owner = Files.readAttributes(path, "unix:uid,gid", NO_FOLLOW);
        if ((Integer) owner.get("uid") != uid) {
            Files.setAttribute(path, "unix:uid", uid, NO_FOLLOW);
        }
        if ((Integer) owner.get("gid") != gid) {
            Files.setAttribute(path, "unix:gid", gid, NO_FOLLOW);
        }
    }

    /** The entry's place under {@code root}: a relative name of plain components that stays inside. */
    static Path checkedPath(Path root, String relative, String name) throws RefusedEntry {
        if (relative.startsWith("/") || DRIVE.matcher(relative).lookingAt()) {
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
