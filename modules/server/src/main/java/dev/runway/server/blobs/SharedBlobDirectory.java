package dev.runway.server.blobs;

import dev.runway.server.store.BlobRepository;
import dev.runway.server.store.StoreRefusal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks that replicas sharing a store share one blob directory too. A cache, a workspace layer or an artifact
 * recorded through one replica is read through any other: a replica with a directory of its own would answer "no
 * such blob" for what the others stored (a workspace not attached, an artifact lost to its readers). The first
 * replica writes a random mark into the directory ({@value #FILE}) and records it in the database; every replica
 * then starts only when its directory holds the same mark.
 */
public final class SharedBlobDirectory {
    /** The mark's file, beside the blob store's {@code objects/} and {@code uploads/}. */
    public static final String FILE = "blob-directory-mark";
    private static final Pattern MARK = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private SharedBlobDirectory() {}

    /**
     * Verifies (and on the first start records) the mark of {@code directory}; answers it. Throws
     * {@link IllegalStateException} naming the directory and what to do when it is not the shared one.
     */
    public static String verify(BlobRepository store, Path directory, long now) {
        Optional<String> recorded = store.blobDirectoryMark();
        if (recorded.isEmpty()) {
            // the file first, then the row: a replica that finds the row also finds the file
            String mark = readOrCreate(directory);
            try {
                store.recordBlobDirectoryMark(mark, now);
                return mark;
            } catch (StoreRefusal raced) {
                recorded = store.blobDirectoryMark(); // another replica recorded its mark at the same time
                if (recorded.isEmpty()) {
                    throw raced;
                }
            }
        }
        String expected = recorded.get();
        Optional<String> found = read(directory);
        if (found.isEmpty()) {
            throw new IllegalStateException("blob directory " + directory + " has no " + FILE + " file, but the"
                    + " database's replicas share the blob directory marked " + expected + ": mount that shared"
                    + " directory at " + directory + " (every replica needs the caches, workspaces and artifacts the"
                    + " others stored). If the shared directory itself was lost and this is its replacement, write "
                    + expected + " into " + directory.resolve(FILE));
        }
        if (!found.get().equals(expected)) {
            throw new IllegalStateException("blob directory " + directory + " is marked " + found.get() + " ("
                    + directory.resolve(FILE) + "), but the database's replicas share the blob directory marked "
                    + expected + ": this directory belongs to another Runway installation; mount the shared one at "
                    + directory);
        }
        return expected;
    }

    private static String readOrCreate(Path directory) {
        Optional<String> existing = read(directory);
        if (existing.isPresent()) {
            return existing.get();
        }
        String mark = UUID.randomUUID().toString();
        Path file = directory.resolve(FILE);
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, FILE, ".new");
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.write(StandardCharsets.UTF_8.encode(mark + "\n"));
                    channel.force(true);
                }
                try {
                    // a link, not a rename: it fails when a replica starting at the same time placed its mark first
                    Files.createLink(file, temp);
                } catch (UnsupportedOperationException noLinks) {
                    Files.move(temp, file); // a file system without hard links: refused too when the file exists
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            return mark;
        } catch (FileAlreadyExistsException raced) {
            return read(directory).orElseThrow(() -> new IllegalStateException(file + " vanished while read"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the blob directory's mark " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static Optional<String> read(Path directory) {
        Path file = directory.resolve(FILE);
        try {
            String mark = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!MARK.matcher(mark).matches()) {
                throw new IllegalStateException(file + ": expected the blob directory's mark (a UUID such as "
                        + UUID.randomUUID() + "), found \"" + (mark.length() > 40 ? mark.substring(0, 40) + "..." : mark)
                        + "\"");
            }
            return Optional.of(mark);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the blob directory's mark " + file + ": " + e.getMessage(), e);
        }
    }
}
