package dev.runway.server.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link BlobStore} in a directory: {@code objects/ab/abcdef...} (the sha256 as name, its first two digits as a
 * fan-out directory) and {@code uploads/UPLOAD.SHA256.part} (or {@code uploads/UPLOAD.stream} for a streamed upload,
 * whose sha256 is known at its end) for uploads under way. A blob appears only by an atomic
 * rename of its complete, checked and fsynced upload file, so a crash leaves either the whole blob or none of it.
 * Bytes stream through a fixed buffer in both directions: memory does not grow with a blob's size.
 */
public final class FileBlobStore implements BlobStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z-]{0,99}");
    private static final int BUFFER = 256 * 1024;
    /** How often a streamed upload of unknown size checks the disk's room (it cannot before it starts). */
    private static final long ROOM_CHECK_BYTES = 64L * 1024 * 1024;
    private final Path objects;
    private final Path uploads;
    private final long reserveBytes;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    /** Directories 0700 and files 0600, as everything in the data directory (none on a non-POSIX file system). */
    private final FileAttribute<?>[] directoryMode;
    private final FileAttribute<?>[] fileMode;

    /**
     * A store under {@code root} (created when missing) that keeps {@code reserveBytes} of its disk free: an upload
     * that would eat into them is refused before a byte is written.
     */
    public FileBlobStore(Path root, long reserveBytes) {
        try {
            Path existing = root.toAbsolutePath();
            while (!Files.exists(existing) && existing.getParent() != null) {
                existing = existing.getParent();
            }
            boolean posix = Files.getFileStore(existing).supportsFileAttributeView("posix");
            this.directoryMode = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
            this.fileMode = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
            Files.createDirectories(root, directoryMode);
            this.objects = Files.createDirectories(root.resolve("objects"), directoryMode);
            this.uploads = Files.createDirectories(root.resolve("uploads"), directoryMode);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create the blob store in " + root + ": " + e, e);
        }
        this.reserveBytes = reserveBytes;
    }

    /** Checks {@code sha256} is 64 lowercase hex digits (so that it is safe as a file name). */
    public static String checkSha256(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new BlobException(BlobException.Kind.INVALID, "sha256: expected 64 lowercase hex digits, got \""
                    + (sha256 == null ? "" : sha256.length() > 80 ? sha256.substring(0, 80) + "..." : sha256) + "\"");
        }
        return sha256;
    }

    private Path objectPath(String sha256) {
        checkSha256(sha256);
        return objects.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private Path uploadPath(String uploadId, String sha256) {
        checkSha256(sha256);
        if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
            throw new BlobException(BlobException.Kind.INVALID, "upload id: letters, digits and dashes only");
        }
        return uploads.resolve(uploadId + "." + sha256 + ".part");
    }

    private Path streamPath(String uploadId) {
        if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
            throw new BlobException(BlobException.Kind.INVALID, "upload id: letters, digits and dashes only");
        }
        return uploads.resolve(uploadId + ".stream");
    }

    @Override
    public OptionalLong size(String sha256) {
        try {
            return OptionalLong.of(Files.size(objectPath(sha256)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public SeekableByteChannel open(String sha256) throws IOException {
        try {
            return FileChannel.open(objectPath(sha256), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlobException(BlobException.Kind.NOT_FOUND, "no blob " + sha256);
        }
    }

    @Override
    public UploadState state(String uploadId, String sha256, long size, boolean mayReuse) {
        Path part = uploadPath(uploadId, sha256);
        checkSize(size);
        if (mayReuse && size(sha256).isPresent()) {
            return new UploadState(size, true);
        }
        long held;
        try {
            held = Files.size(part);
        } catch (IOException e) {
            held = 0;
        }
        // the uploader asks before it sends: a disk without room says so here, where the answer reaches it (a
        // refusal of a body under way comes while the sender is still writing, and it may only see the cut)
        requireRoom(size - held);
        return new UploadState(held, false);
    }

    /** Refuses with NO_SPACE when writing {@code more} bytes would eat into the disk's reserve. */
    private void requireRoom(long more) {
        long free;
        try {
            free = Files.getFileStore(uploads).getUsableSpace();
        } catch (IOException e) {
            return; // the write itself finds out
        }
        if (more > free - reserveBytes) {
            throw new BlobException(BlobException.Kind.NO_SPACE, "the server's disk has no room for this blob: "
                    + more + " more bytes wanted, " + Math.max(0, free - reserveBytes) + " available"
                    + " (the server keeps " + reserveBytes + " bytes free)");
        }
    }

    private static void checkSize(long size) {
        if (size < 0) {
            throw new BlobException(BlobException.Kind.INVALID, "size: must not be negative, got " + size);
        }
    }

    @Override
    public UploadState append(String uploadId, String sha256, long size, long offset, InputStream bytes,
            boolean mayReuse) throws IOException {
        Path part = uploadPath(uploadId, sha256);
        checkSize(size);
        if (offset < 0 || offset > size) {
            throw new BlobException(BlobException.Kind.INVALID, "offset: must be within 0 and the size " + size
                    + ", got " + offset);
        }
        String lockKey = part.getFileName().toString();
        Object lock = locks.computeIfAbsent(lockKey, key -> new Object());
        try {
            synchronized (lock) {
                if (mayReuse && size(sha256).isPresent()) {
                    return new UploadState(size, true);
                }
                return appendLocked(part, sha256, size, offset, bytes);
            }
        } finally {
            locks.remove(lockKey, lock);
        }
    }

    @Override
    public long streamState(String uploadId, long more) {
        Path part = streamPath(uploadId);
        long held;
        try {
            held = Files.size(part);
        } catch (IOException e) {
            held = 0;
        }
        requireRoom(Math.max(0, more));
        return held;
    }

    @Override
    public StreamState appendStream(String uploadId, long offset, long size, InputStream bytes) throws IOException {
        Path part = streamPath(uploadId);
        if (size < -1 || offset < 0 || size >= 0 && offset > size) {
            throw new BlobException(BlobException.Kind.INVALID, "offset " + offset + " and size " + size
                    + ": the offset must be within 0 and the size (-1: unknown)");
        }
        String lockKey = part.getFileName().toString();
        Object lock = locks.computeIfAbsent(lockKey, key -> new Object());
        try {
            synchronized (lock) {
                return appendStreamLocked(part, offset, size, bytes);
            }
        } finally {
            locks.remove(lockKey, lock);
        }
    }

    private StreamState appendStreamLocked(Path part, long offset, long size, InputStream bytes) throws IOException {
        String sha256;
        long held;
        try (FileChannel channel = FileChannel.open(part, EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), fileMode)) {
            held = channel.size();
            if (offset > held) {
                throw new BlobException(BlobException.Kind.OFFSET_MISMATCH, "the upload holds " + held
                        + " bytes; resume at that offset, not " + offset, held, null);
            }
            try {
                requireRoom(size < 0 ? 0 : size - held);
            } catch (BlobException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            MessageDigest digest = held == 0 && offset == 0 ? sha256Digest() : null;
            skip(bytes, held - offset);
            channel.position(held);
            Copied copied;
            try {
                copied = copy(bytes, channel, size < 0 ? Long.MAX_VALUE : size - held, digest, size >= 0);
            } catch (BlobException e) {
                if (e.kind() == BlobException.Kind.NO_SPACE) {
                    Files.deleteIfExists(part);
                }
                throw e;
            }
            held += copied.bytes();
            if (size >= 0 ? held < size : copied.cut()) {
                channel.force(false);
                return new StreamState(held, null);
            }
            channel.force(true);
            sha256 = digest != null ? HexFormat.of().formatHex(digest.digest()) : hash(part);
        }
        publish(part, objectPath(sha256)); // over an identical blob when there is one: readers keep theirs
        return new StreamState(held, sha256);
    }

    private UploadState appendLocked(Path part, String sha256, long size, long offset, InputStream bytes)
            throws IOException {
        // refused before the upload file is created: a refusal leaves nothing behind
        requireRoom(size - (Files.exists(part) ? Files.size(part) : 0));
        try (FileChannel channel = FileChannel.open(part, EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), fileMode)) {
            long held = channel.size();
            if (offset > held) {
                throw new BlobException(BlobException.Kind.OFFSET_MISMATCH, "the upload holds " + held
                        + " bytes; resume at that offset, not " + offset, held, null);
            }
            // one digest over the whole blob when it arrives in one go; a resumed upload is hashed from the file
            MessageDigest digest = held == 0 && offset == 0 ? sha256Digest() : null;
            skip(bytes, held - offset);
            channel.position(held);
            long written;
            try {
                written = copy(bytes, channel, size - held, digest, true).bytes();
            } catch (BlobException e) {
                if (e.kind() == BlobException.Kind.NO_SPACE) {
                    // a full disk does not empty itself: the bytes in would only hold space that others need
                    Files.deleteIfExists(part);
                }
                throw e;
            }
            held += written;
            if (held < size) {
                channel.force(false);
                return new UploadState(held, false);
            }
            channel.force(true);
            String actual = digest != null ? HexFormat.of().formatHex(digest.digest()) : hash(part);
            if (!actual.equals(sha256)) {
                Files.deleteIfExists(part);
                throw new BlobException(BlobException.Kind.CHECKSUM_MISMATCH, "the uploaded bytes have sha256 "
                        + actual + ", not " + sha256 + ": the upload is dropped; send the blob again");
            }
        }
        publish(part, objectPath(sha256)); // over an identical blob when there is one: readers keep theirs
        return new UploadState(size, true);
    }

    /**
     * Copies at most {@code limit} bytes; the bytes written before the sender stopped stay (they are what a resumed
     * upload continues after), while a failed write is undone to the last whole write, so that the file never holds
     * bytes that were not written (and a full disk drops the upload, see the caller).
     */
    private Copied copy(InputStream in, FileChannel channel, long limit, MessageDigest digest, boolean sized)
            throws IOException {
        Writeback writeback = new Writeback(channel);
        boolean copied = false;
        try {
            Copied result = copy(in, channel, limit, digest, sized, writeback);
            copied = true;
            writeback.finish();
            return result;
        } catch (Writeback.Failed e) {
            // what reached the disk is unknown, and the error is not reported again: the upload starts over
            channel.truncate(0);
            if (e.getCause() instanceof IOException flush && noSpace(flush)) {
                throw new BlobException(BlobException.Kind.NO_SPACE, "the server's disk is full ("
                        + flush.getMessage() + "): the upload is dropped", -1, flush);
            }
            throw new IOException("the upload's bytes could not be written to the server's disk (" + e.getMessage()
                    + "): the upload is dropped; send it again", e.getCause());
        } finally {
            if (!copied) {
                try {
                    writeback.finish(); // the flush under way ends before the caller closes the channel
                } catch (Writeback.Failed alsoFailed) {
                    try {
                        channel.truncate(0);
                    } catch (IOException closed) {
                        // the channel failed too: the error that stopped the copy is the one to report
                    }
                }
            }
        }
    }

    private Copied copy(InputStream in, FileChannel channel, long limit, MessageDigest digest, boolean sized,
            Writeback writeback) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        boolean ended = false;
        boolean cut = false;
        while (total < limit && !ended) {
            // the body arrives in the connection's small pieces: gather a whole buffer before each write and digest
            int want = (int) Math.min(buffer.length, limit - total);
            int filled = 0;
            try {
                while (filled < want) {
                    int read = in.read(buffer, filled, want - filled);
                    if (read < 0) {
                        ended = true;
                        break;
                    }
                    filled += read;
                }
            } catch (IOException senderGone) {
                ended = true; // keep what arrived: the sender resumes after it
                cut = true;
            }
            if (filled == 0) {
                break;
            }
            if (!sized && total / ROOM_CHECK_BYTES != (total + filled) / ROOM_CHECK_BYTES) {
                requireRoom(ROOM_CHECK_BYTES); // no size was checked up front: keep the reserve free as it grows
            }
            long before = channel.position();
            try {
                ByteBuffer view = ByteBuffer.wrap(buffer, 0, filled);
                while (view.hasRemaining()) {
                    channel.write(view);
                }
            } catch (IOException e) {
                channel.truncate(before);
                if (noSpace(e)) {
                    throw new BlobException(BlobException.Kind.NO_SPACE, "the server's disk is full ("
                            + e.getMessage() + "): the upload is dropped", -1, e);
                }
                throw e;
            }
            writeback.written(filled);
            if (digest != null) {
                digest.update(buffer, 0, filled);
            }
            total += filled;
        }
        if (total == limit && in.read() >= 0) {
            throw new BlobException(BlobException.Kind.INVALID, "the body is longer than the blob's size");
        }
        return new Copied(total, cut);
    }

    /** What one body brought: its bytes, and whether it was cut rather than ended. */
    private record Copied(long bytes, boolean cut) {}

    private static boolean noSpace(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("no space") || message.contains("quota");
    }

    private static void skip(InputStream in, long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** Renames the complete upload into place and makes the rename durable (fsync of its directory). */
    private void publish(Path part, Path target) throws IOException {
        Path directory = Files.createDirectories(target.getParent(), directoryMode);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notOnThisPlatform) {
            // some file systems cannot open a directory for fsync; the rename itself is still atomic
        }
    }

    /** The sha256 of a file, streamed. */
    public static String hash(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        return Files.deleteIfExists(objectPath(sha256));
    }

    @Override
    public List<StoredBlob> list() throws IOException {
        List<StoredBlob> blobs = new ArrayList<>();
        try (DirectoryStream<Path> fanOut = Files.newDirectoryStream(objects)) {
            for (Path directory : fanOut) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                    for (Path file : files) {
                        String name = file.getFileName().toString();
                        if (SHA256.matcher(name).matches()) {
                            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                            blobs.add(new StoredBlob(name, attributes.size(),
                                    attributes.lastModifiedTime().toMillis()));
                        }
                    }
                }
            }
        }
        return blobs;
    }

    @Override
    public int removeStaleUploads(long beforeMillis) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(uploads)) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toMillis() < beforeMillis && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
