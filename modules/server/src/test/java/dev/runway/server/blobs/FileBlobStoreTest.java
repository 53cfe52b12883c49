package dev.runway.server.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file blob store on a real directory: atomic publication, checksums, resumed uploads, refused names. */
class FileBlobStoreTest {
    @TempDir
    Path root;

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(BlobStore store, String sha256) throws IOException {
        try (InputStream in = java.nio.channels.Channels.newInputStream(store.open(sha256))) {
            return in.readAllBytes();
        }
    }

    private long filesUnder(String directory) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(directory))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    /** Delivers {@code limit} bytes of {@code data}, then fails as a connection cut by the sender would. */
    private static InputStream cutAfter(byte[] data, int limit) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                if (position >= limit) {
                    throw new IOException("connection reset by peer");
                }
                return data[position++] & 0xff;
            }
        };
    }

    @Test
    void aBlobIsVisibleOnlyOnceAllItsBytesAreInAndChecked() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(1_000_000, 1);
        String sha = sha256(data);

        BlobStore.UploadState half = store.append("task-1", sha, data.length, 0,
                new ByteArrayInputStream(data, 0, 400_000), true);
        assertThat(half).isEqualTo(new BlobStore.UploadState(400_000, false));
        assertThat(store.size(sha)).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.open(sha)).isInstanceOfSatisfying(BlobException.class,
                e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.NOT_FOUND));

        BlobStore.UploadState done = store.append("task-1", sha, data.length, 400_000,
                new ByteArrayInputStream(data, 400_000, data.length - 400_000), true);
        assertThat(done).isEqualTo(new BlobStore.UploadState(data.length, true));
        assertThat(store.size(sha)).hasValue(data.length);
        assertThat(read(store, sha)).isEqualTo(data);
        assertThat(filesUnder("uploads")).as("the upload file became the blob").isZero();
        Path blob = root.resolve("objects").resolve(sha.substring(0, 2)).resolve(sha);
        assertThat(blob).isRegularFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)))
                .as("the data directory's files are the server's alone").isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                blob.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void anUploadCutByTheSenderResumesWhereItsBytesEnd() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(3_000_000, 2);
        String sha = sha256(data);

        BlobStore.UploadState cut = store.append("task-2", sha, data.length, 0, cutAfter(data, 1_234_567), true);
        assertThat(cut.complete()).isFalse();
        assertThat(cut.nextOffset()).isEqualTo(1_234_567);
        assertThat(store.state("task-2", sha, data.length, true)).isEqualTo(cut);

        // a store opened afresh (a restarted server) resumes the same upload; a resend of bytes it has is skipped
        FileBlobStore restarted = new FileBlobStore(root, 0);
        assertThat(restarted.state("task-2", sha, data.length, true).nextOffset()).isEqualTo(1_234_567);
        BlobStore.UploadState done = restarted.append("task-2", sha, data.length, 1_000_000,
                new ByteArrayInputStream(data, 1_000_000, data.length - 1_000_000), true);
        assertThat(done.complete()).isTrue();
        assertThat(read(restarted, sha)).isEqualTo(data);
    }

    @Test
    void anOffsetPastTheUploadsBytesIsRefusedWithWhereToResume() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(10_000, 3);
        String sha = sha256(data);
        store.append("task-3", sha, data.length, 0, new ByteArrayInputStream(data, 0, 100), true);

        assertThatThrownBy(() -> store.append("task-3", sha, data.length, 5_000,
                new ByteArrayInputStream(data, 5_000, 5_000), true)).isInstanceOfSatisfying(BlobException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BlobException.Kind.OFFSET_MISMATCH);
                    assertThat(e.expectedOffset()).isEqualTo(100);
                });
        assertThat(store.state("task-3", sha, data.length, true).nextOffset()).isEqualTo(100);
    }

    @Test
    void bytesThatAreNotTheAnnouncedSha256AreDroppedAndNothingIsPublished() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(50_000, 4);
        String wrong = sha256(bytes(50_000, 5));

        assertThatThrownBy(() -> store.append("task-4", wrong, data.length, 0, new ByteArrayInputStream(data), true))
                .isInstanceOfSatisfying(BlobException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BlobException.Kind.CHECKSUM_MISMATCH);
                    assertThat(e.getMessage()).contains(sha256(data), wrong);
                });
        assertThat(store.size(wrong)).isEmpty();
        assertThat(filesUnder("uploads") + filesUnder("objects")).isZero();

        // a resumed upload is checked by reading its file back
        store.append("task-4", wrong, data.length, 0, new ByteArrayInputStream(data, 0, 10), true);
        assertThatThrownBy(() -> store.append("task-4", wrong, data.length, 10,
                new ByteArrayInputStream(data, 10, data.length - 10), true))
                .isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.CHECKSUM_MISMATCH));
        assertThat(filesUnder("uploads") + filesUnder("objects")).isZero();
    }

    @Test
    void moreBytesThanTheSizeAreRefused() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(1_000, 6);
        assertThatThrownBy(() -> store.append("task-5", sha256(data), 999, 0, new ByteArrayInputStream(data), true))
                .isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.INVALID));
        assertThat(filesUnder("objects")).isZero();
    }

    @Test
    void namesThatCouldLeaveTheStoreAreRefused() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(10, 7);
        for (String sha : new String[] {"../../etc/passwd", "../" + sha256(data).substring(3), sha256(data)
                .toUpperCase(java.util.Locale.ROOT), "", "a/b"}) {
            assertThatThrownBy(() -> store.append("task-6", sha, data.length, 0, new ByteArrayInputStream(data), true))
                    .as(sha).isInstanceOfSatisfying(BlobException.class,
                            e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.INVALID));
            assertThatThrownBy(() -> store.open(sha)).as(sha).isInstanceOf(BlobException.class);
        }
        assertThatThrownBy(() -> store.append("../../x", sha256(data), data.length, 0,
                new ByteArrayInputStream(data), true)).isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.getMessage()).contains("upload id"));
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile)).as("nothing written anywhere").isEmpty();
        }
    }

    @Test
    void aDiskWithoutRoomRefusesTheUploadBeforeWritingAnything() throws Exception {
        long free = Files.getFileStore(root).getUsableSpace();
        FileBlobStore store = new FileBlobStore(root, free + 1);
        byte[] data = bytes(100, 8);
        assertThatThrownBy(() -> store.append("task-7", sha256(data), data.length, 0,
                new ByteArrayInputStream(data), true)).isInstanceOfSatisfying(BlobException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BlobException.Kind.NO_SPACE);
                    assertThat(e.getMessage()).contains("no room for this blob");
                });
        assertThatThrownBy(() -> store.state("task-7", sha256(data), data.length, true))
                .as("the uploader's first question gets the same answer").isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.NO_SPACE));
        assertThat(filesUnder("objects")).isZero();
        assertThat(filesUnder("uploads")).as("not even an empty upload file").isZero();
    }

    @Test
    void aCrashedUploadLeavesNoBlobAndTheSweeperRemovesItLater() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(20_000, 9);
        String sha = sha256(data);
        // what a server killed mid-upload leaves: the upload file, never a blob
        store.append("task-8", sha, data.length, 0, cutAfter(data, 7_000), true);
        FileBlobStore restarted = new FileBlobStore(root, 0);
        assertThat(restarted.size(sha)).isEmpty();
        assertThat(restarted.list()).isEmpty();
        assertThat(restarted.removeStaleUploads(Long.MAX_VALUE)).isEqualTo(1);
        assertThat(restarted.state("task-8", sha, data.length, true).nextOffset()).isZero();
    }

    @Test
    void twoUploadersOfOneBlobKeepTheirBytesApart() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(30_000, 10);
        String sha = sha256(data);
        store.append("task-a", sha, data.length, 0, new ByteArrayInputStream(data, 0, 10_000), true);
        store.append("task-b", sha, data.length, 0, new ByteArrayInputStream(new byte[20_000]), true);
        assertThat(store.append("task-a", sha, data.length, 10_000,
                new ByteArrayInputStream(data, 10_000, 20_000), true).complete()).isTrue();
        // the other uploader's next call learns the blob is there, when it may reuse it
        assertThat(store.state("task-b", sha, data.length, true).complete()).isTrue();
        assertThat(read(store, sha)).isEqualTo(data);
    }

    @Test
    void anUploaderThatMayNotReuseABlobSendsItsBytesAndTheBlobStaysWhole() throws Exception {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(40_000, 11);
        String sha = sha256(data);
        store.append("task-a", sha, data.length, 0, new ByteArrayInputStream(data), true);
        assertThat(store.state("task-c", sha, data.length, false)).isEqualTo(new BlobStore.UploadState(0, false));
        assertThatThrownBy(() -> store.append("task-c", sha, data.length, 0,
                new ByteArrayInputStream(new byte[data.length]), false)).isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.CHECKSUM_MISMATCH));
        assertThat(read(store, sha)).as("a wrong proof changes nothing").isEqualTo(data);
        assertThat(store.append("task-c", sha, data.length, 0, new ByteArrayInputStream(data), false).complete())
                .isTrue();
        assertThat(read(store, sha)).isEqualTo(data);
    }

    @Test
    void aStreamOfUnknownSizeIsStoredUnderItsHashOnlyWhenItEndsCleanly() throws IOException {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(700_000, 7);
        BlobStore.StreamState cut = store.appendStream("task-1", 0, -1, cutAfter(data, 300_000));
        assertThat(cut).as("a cut is no end").isEqualTo(new BlobStore.StreamState(300_000, null));
        assertThat(filesUnder("objects")).isZero();
        assertThat(store.streamState("task-1", 0)).isEqualTo(300_000);
        assertThatThrownBy(() -> store.appendStream("task-1", 400_000, -1, new ByteArrayInputStream(data)))
                .isInstanceOfSatisfying(BlobException.class, e -> assertThat(e.expectedOffset()).isEqualTo(300_000));

        // resumed from an earlier offset: the bytes it holds are skipped, the rest appended, the whole hashed
        BlobStore.StreamState stored = store.appendStream("task-1", 200_000, -1,
                new ByteArrayInputStream(data, 200_000, data.length - 200_000));
        assertThat(stored).isEqualTo(new BlobStore.StreamState(data.length, sha256(data)));
        assertThat(read(store, sha256(data))).isEqualTo(data);
        assertThat(filesUnder("uploads")).as("the upload file became the blob").isZero();

        // of known size: complete at that size, in one go hashed as it arrives
        byte[] other = bytes(1000, 8);
        assertThat(store.appendStream("task-2", 0, other.length, new ByteArrayInputStream(other)).sha256())
                .isEqualTo(sha256(other));
        assertThatThrownBy(() -> new FileBlobStore(root.resolve("full"), Long.MAX_VALUE / 2).streamState("t", 1))
                .isInstanceOfSatisfying(BlobException.class,
                        e -> assertThat(e.kind()).isEqualTo(BlobException.Kind.NO_SPACE));
    }

    @Test
    void aSizedStreamCutMidwayKeepsExactlyTheBytesThatCameAndResumesThere() throws IOException {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes(3 * 1024 * 1024 + 5, 11); // several of the store's writes
        int cutAt = 1024 * 1024 + 512 * 1024 + 7; // on no boundary of the store's writes or the connection's reads
        // in a connection's pieces of 64 KiB at most (the last one short: the cut comes inside it)
        InputStream pieces = new java.io.FilterInputStream(cutAfter(data, cutAt)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 65_536));
            }
        };
        assertThat(store.appendStream("task-cut", 0, data.length, pieces))
                .isEqualTo(new BlobStore.StreamState(cutAt, null));
        assertThat(Files.readAllBytes(root.resolve("uploads/task-cut.stream")))
                .as("the upload file holds the bytes that came, no more")
                .isEqualTo(java.util.Arrays.copyOf(data, cutAt));

        // resumed from before the cut, as an uploader that re-sends from its last known offset
        int from = 1024 * 1024 - 3;
        assertThat(store.appendStream("task-cut", from, data.length,
                new ByteArrayInputStream(data, from, data.length - from)))
                .isEqualTo(new BlobStore.StreamState(data.length, sha256(data)));
        assertThat(read(store, sha256(data))).isEqualTo(data);
        assertThat(filesUnder("uploads")).isZero();
    }

    @Test
    void aBlobLargerThanTheWritebackStepIsStoredWholeAndCheckedWhileItsBytesAreFlushedOnTheWay() throws IOException {
        FileBlobStore store = new FileBlobStore(root, 0);
        byte[] data = bytes((int) (2.5 * Writeback.EVERY), 9);
        // arriving in small pieces, as from a connection: flushes start and end while more bytes come
        InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 10_000));
            }
        };
        assertThat(store.appendStream("task-big", 0, -1, trickle))
                .isEqualTo(new BlobStore.StreamState(data.length, sha256(data)));
        assertThat(read(store, sha256(data))).isEqualTo(data);
        assertThat(store.append("big", sha256(data), data.length, 0, new ByteArrayInputStream(data), false))
                .isEqualTo(new BlobStore.UploadState(data.length, true));
        assertThat(filesUnder("uploads")).isZero();
    }

    @Test
    void aFlushThatFailsIsThrownWhereTheUploadWaitsForItNotLost() throws IOException {
        Path file = root.resolve("upload");
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        Writeback writeback = new Writeback(channel);
        writeback.written(1);
        writeback.finish(); // nothing flushed below the step, nothing to fail
        channel.close(); // the flush that starts now meets a closed channel, as a failing disk would fail it
        writeback.written(Writeback.EVERY);
        assertThatThrownBy(writeback::finish).isInstanceOf(Writeback.Failed.class)
                .hasCauseInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertThatThrownBy(writeback::finish).as("and again: it is not forgotten").isInstanceOf(Writeback.Failed.class);
    }
}
