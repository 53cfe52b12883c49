package dev.runway.taskagent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar that archives are written as: what the ustar fields cannot hold goes through PAX and comes back. */
class TarWriterTest {
    private static final LinkOption NO_FOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path temp;

    @Test
    void subSecondTimesLongAndNonAsciiNamesAndOwnersComeBack() throws Exception {
        Path tree = Files.createDirectories(temp.resolve("tree"));
        String longName = "n".repeat(150);
        String foreign = "ünï cödé 名前";
        String longTarget = "t/".repeat(120) + "end";
        Files.writeString(tree.resolve(longName), "long");
        Files.createDirectories(tree.resolve(foreign));
        Files.writeString(tree.resolve(foreign).resolve("inside"), "x");
        Files.createSymbolicLink(tree.resolve("far"), Path.of(longTarget));
        FileTime precise = FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        FileTime another = FileTime.from(Instant.ofEpochSecond(1_000_000_000L, 1));
        Files.setLastModifiedTime(tree.resolve(longName), precise);
        Files.setLastModifiedTime(tree.resolve(foreign).resolve("inside"), another);

        Archives.Written written = Archives.create(List.of(new Archives.Source(tree, "w")), temp.resolve("a.tar.zst"));
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (InputStream in = new ZstdInputStream(Files.newInputStream(written.file()));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                entries.put(entry.getName(), entry);
            }
        }
        assertThat(entries).containsOnlyKeys("w/", "w/" + longName, "w/" + foreign + "/", "w/" + foreign + "/inside",
                "w/far");
        assertThat(entries.get("w/" + longName).getLastModifiedTime()).isEqualTo(precise);
        assertThat(entries.get("w/" + foreign + "/inside").getLastModifiedTime()).isEqualTo(another);
        assertThat(entries.get("w/far").getLinkName()).isEqualTo(longTarget);
        int uid = (Integer) Files.getAttribute(tree.resolve("far"), "unix:uid", NO_FOLLOW);
        int gid = (Integer) Files.getAttribute(tree.resolve("far"), "unix:gid", NO_FOLLOW);
        assertThat(entries.get("w/far").getLongUserId()).isEqualTo(uid);
        assertThat(entries.get("w/far").getLongGroupId()).isEqualTo(gid);

        Path out = temp.resolve("out");
        Archives.extract(written.file(), Map.of("w", out));
        assertThat(Files.readString(out.resolve(longName))).isEqualTo("long");
        assertThat(Files.getLastModifiedTime(out.resolve(longName))).isEqualTo(precise);
        assertThat(Files.getLastModifiedTime(out.resolve(foreign).resolve("inside"))).isEqualTo(another);
        assertThat(Files.readSymbolicLink(out.resolve("far"))).isEqualTo(Path.of(longTarget));
    }

    @Test
    void paxTimesAreDecimalSecondsSinceTheEpochBeforeItToo() {
        assertThat(TarWriter.decimalSeconds(1_700_000_000L, 123_456_789)).isEqualTo("1700000000.123456789");
        // half a second after 1960-01-01T00:00:00Z
        assertThat(TarWriter.decimalSeconds(-315_619_200L, 500_000_000)).isEqualTo("-315619199.500000000");
    }

    @Test
    void sizesAndOwnerIdsBeyondTheUstarFieldsGoThroughPax() throws Exception {
        long size = 8L * 1024 * 1024 * 1024 + 1; // one more than 11 octal digits hold
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter((chunk, length) -> {
            if (start.size() == 0) {
                start.write(chunk, 0, length);
            }
            return chunk;
        }, new byte[1024 * 1024]);
        FileTime mtime = FileTime.fromMillis(1_600_000_000_000L);
        assertThat(tar.file("big", 0640, 3_000_000, 4_000_000, mtime, size, zeros())).isEqualTo(size);
        tar.finish();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(start.toByteArray()))) {
            TarArchiveEntry entry = in.getNextEntry();
            assertThat(entry.getName()).isEqualTo("big");
            assertThat(entry.getSize()).isEqualTo(size);
            assertThat(entry.getLongUserId()).isEqualTo(3_000_000);
            assertThat(entry.getLongGroupId()).isEqualTo(4_000_000);
            assertThat(entry.getMode() & 07777).isEqualTo(0640);
            assertThat(entry.getLastModifiedTime()).isEqualTo(mtime);
        }
    }

    @Test
    void theStreamIsTheSameWhateverTheChunkSizeAndGnuTarReadsIt() throws Exception {
        // 1 KiB chunks are smaller than a PAX header and the header after it; 4 KiB ones are handed over partly
        // full before headers; 1 MiB ones hold many entries
        byte[] small = entries(1024);
        assertThat(entries(4096)).isEqualTo(small);
        assertThat(entries(1024 * 1024)).isEqualTo(small);
        assertThat(small.length % (20 * TarWriter.BLOCK)).isZero();

        Path archive = Files.write(temp.resolve("entries.tar"), small);
        Process tar = new ProcessBuilder("tar", "--numeric-owner", "--full-time", "-tvf", archive.toString())
                .redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(listing).isZero();
        List<String> lines = listing.lines().toList();
        assertThat(lines).hasSize(1 + 3 * 40);
        assertThat(lines.get(0)).startsWith("drwxr-x--- 1000/1000").endsWith(" d/");
        assertThat(lines).anyMatch(line -> line.startsWith("-rw-r--r-- 1000/1000") && line.contains(" 2023-11-14 ")
                && line.endsWith(" d/file-7-" + "n".repeat(7 * 3)));
        assertThat(lines).anyMatch(line -> line.startsWith("lrwxrwxrwx 3000000/4000000")
                && line.endsWith(" d/ünï-39 -> " + "t/".repeat(39 * 3) + "end"));

        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(small))) {
            int count = 0;
            for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; count++) {
                if (entry.getName().equals("d/file-7-" + "n".repeat(21))) {
                    assertThat(entry.getSize()).isEqualTo(7 * 613);
                    assertThat(entry.getLastModifiedTime()).isEqualTo(mtime(7));
                    assertThat(in.readAllBytes()).containsOnly((byte) 7);
                }
            }
            assertThat(count).isEqualTo(1 + 3 * 40);
        }
    }

    /**
     * A directory, then 40 times a file (of 613 bytes times its number: ends off blocks and chunks), a symlink with
     * a non-ASCII name and a target growing past 100 bytes, and an empty file with an mtime before the epoch or a
     * whole second: headers with and without PAX records at every offset in a chunk.
     */
    private static byte[] entries(int chunkSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter((chunk, length) -> {
            assertThat(length).isPositive().isLessThanOrEqualTo(chunkSize);
            out.write(chunk, 0, length);
            return new byte[chunkSize]; // a fresh one: no bytes of the last may leak into it
        }, new byte[chunkSize]);
        tar.directory("d", 0750, 1000, 1000, FileTime.fromMillis(1_600_000_000_000L));
        for (int i = 0; i < 40; i++) {
            byte[] bytes = new byte[i * 613];
            java.util.Arrays.fill(bytes, (byte) i);
            tar.file("d/file-" + i + "-" + "n".repeat(i * 3), 0644, 1000, 1000, mtime(i), bytes.length,
                    java.nio.channels.Channels.newChannel(new ByteArrayInputStream(bytes)));
            tar.symlink("d/ünï-" + i, "t/".repeat(i * 3) + "end", 0777, 3_000_000, 4_000_000, mtime(i + 1));
            tar.file("d/empty-" + i, 0600, 0, 0, i % 2 == 0 ? FileTime.fromMillis(-1_500L * i)
                    : FileTime.fromMillis(1_000_000_000_000L), 0, zeros());
        }
        tar.finish();
        return out.toByteArray();
    }

    private static FileTime mtime(int i) {
        return FileTime.from(Instant.ofEpochSecond(1_700_000_000L + i, i * 1_001_001));
    }

    @Test
    void aFileThatEndsEarlyIsReportedShort() throws Exception {
        TarWriter tar = new TarWriter((chunk, length) -> chunk, new byte[4096]);
        ReadableByteChannel three = java.nio.channels.Channels.newChannel(new ByteArrayInputStream(new byte[3]));
        assertThat(tar.file("f", 0644, 0, 0, FileTime.fromMillis(0), 10, three)).isEqualTo(3);
    }

    @Test
    void aFailedWriteStopsTheReaderAndIsThrown() {
        OutputStream failing = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (++writes == 2) {
                    throw new IOException("disk full");
                }
            }
        };
        assertThatThrownBy(() -> ReadAhead.copy("endless reader", (sink, first) -> {
            for (byte[] chunk = first; ; ) {
                chunk = sink.next(chunk, chunk.length);
            }
        }, failing)).hasMessage("disk full");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("endless reader"));

        assertThatThrownBy(() -> ReadAhead.copy("failing reader", (sink, first) -> {
            throw new IOException("f shrank while it was archived");
        }, OutputStream.nullOutputStream())).hasMessage("f shrank while it was archived");
    }

    /** A channel of zeros that never ends (it leaves the buffer's bytes as they are: only their count matters). */
    private static ReadableByteChannel zeros() {
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer buffer) {
                int count = buffer.remaining();
                buffer.position(buffer.limit());
                return count;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }
}
