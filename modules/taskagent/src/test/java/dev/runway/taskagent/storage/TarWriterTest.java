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
