package dev.runway.taskagent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives on real files: what goes in comes back (modes, symlinks, mtimes); hostile entries are refused. */
class ArchivesTest {
    @TempDir
    Path temp;

    @Test
    void aTreeComesBackWithItsModesSymlinksAndMtimes() throws Exception {
        Path tree = Files.createDirectories(temp.resolve("tree"));
        Files.createDirectories(tree.resolve("bin/empty"));
        Files.writeString(tree.resolve("bin/tool"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(tree.resolve("bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.write(tree.resolve("data.bin"), new byte[300_000]);
        Files.createSymbolicLink(tree.resolve("link"), Path.of("bin/tool"));
        Files.createSymbolicLink(tree.resolve("dangling"), Path.of("/nowhere/at/all"));
        FileTime old = FileTime.fromMillis(1_500_000_000_000L);
        Files.setLastModifiedTime(tree.resolve("data.bin"), old);
        Files.setLastModifiedTime(tree.resolve("bin"), old);

        Archives.Written written = Archives.create(List.of(new Archives.Source(tree, "workspace")),
                temp.resolve("a.tar.zst"));
        assertThat(written.contents().files()).isEqualTo(2);
        assertThat(written.contents().bytes()).isEqualTo(300_000 + 18);
        assertThat(written.size()).as("zstd shrinks zeros").isLessThan(10_000);
        assertThat(written.sha256()).hasSize(64);

        Path out = temp.resolve("out");
        Archives.Summary summary = Archives.extract(written.file(), Map.of("workspace", out));
        assertThat(summary.files()).isEqualTo(2);
        assertThat(Files.readString(out.resolve("bin/tool"))).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/tool"))))
                .isEqualTo("rwxr-x---");
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("bin/tool"));
        assertThat(Files.readSymbolicLink(out.resolve("dangling"))).isEqualTo(Path.of("/nowhere/at/all"));
        assertThat(Files.isDirectory(out.resolve("bin/empty"))).isTrue();
        assertThat(Files.getLastModifiedTime(out.resolve("data.bin"))).isEqualTo(old);
        assertThat(Files.getLastModifiedTime(out.resolve("bin"))).isEqualTo(old);
        assertThat(Files.mismatch(tree.resolve("data.bin"), out.resolve("data.bin"))).isEqualTo(-1);
    }

    /** A tar + zstd archive written entry by entry, as an attacker would craft it. */
    private Path crafted(Consumer<TarArchiveOutputStream> entries) throws IOException {
        Path archive = temp.resolve("crafted-" + System.nanoTime() + ".tar.zst");
        try (OutputStream file = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new ZstdOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.accept(tar);
            tar.finish();
        }
        return archive;
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) {
        try {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(bytes.length);
            tar.putArchiveEntry(entry);
            tar.write(bytes);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void special(TarArchiveOutputStream tar, String name, byte type, String link) {
        try {
            TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
            if (link != null) {
                entry.setLinkName(link);
            }
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(Path archive, String entry, String why, Path outside) throws IOException {
        Path target = temp.resolve("target");
        assertThatThrownBy(() -> Archives.extract(archive, Map.of("workspace", target)))
                .isInstanceOf(Archives.RefusedEntry.class)
                .hasMessageContaining("\"" + entry + "\"").hasMessageContaining(why);
        try (Stream<Path> all = Files.walk(outside)) {
            assertThat(all.filter(p -> p.getFileName().toString().equals("pwned"))).as("nothing written outside")
                    .isEmpty();
        }
    }

    @Test
    void hostileEntriesAreRefusedByNameAndWriteNothingOutside() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        assertRefused(crafted(tar -> file(tar, "workspace/../outside/pwned", "x")), "workspace/../outside/pwned",
                "\"..\"", temp);
        assertRefused(crafted(tar -> file(tar, "/tmp/pwned", "x")), "/tmp/pwned", "not under", temp);
        assertRefused(crafted(tar -> file(tar, "workspace//" + outside + "/pwned", "x")),
                "workspace//" + outside + "/pwned", "", temp);
        // a symlink to the outside, then a file through it
        assertRefused(crafted(tar -> {
            special(tar, "workspace/escape", TarConstants.LF_SYMLINK, outside.toString());
            file(tar, "workspace/escape/pwned", "x");
        }), "workspace/escape/pwned", "through the symlink escape", temp);
        // a file named like the symlink: replaced, never written through
        Files.deleteIfExists(temp.resolve("target/escape"));
        Path victim = Files.writeString(outside.resolve("victim"), "untouched");
        Archives.extract(crafted(tar -> {
            special(tar, "workspace/swap", TarConstants.LF_SYMLINK, victim.toString());
            file(tar, "workspace/swap", "replaced");
        }), Map.of("workspace", temp.resolve("target")));
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(temp.resolve("target/swap"))).isFalse();
        assertRefused(crafted(tar -> special(tar, "workspace/dev", TarConstants.LF_CHR, null)), "workspace/dev",
                "device files", temp);
        assertRefused(crafted(tar -> special(tar, "workspace/fifo", TarConstants.LF_FIFO, null)), "workspace/fifo",
                "FIFOs", temp);
        assertRefused(crafted(tar -> special(tar, "workspace/hard", TarConstants.LF_LINK, "/etc/passwd")),
                "workspace/hard", "hard links", temp);
        assertRefused(crafted(tar -> special(tar, "workspace/sparse", TarConstants.LF_GNUTYPE_SPARSE, null)),
                "workspace/sparse", "sparse", temp);
        assertThat(Files.exists(outside.resolve("pwned"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aDirectoryTurnedIntoASymlinkByALaterEntryIsCheckedAgain() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        // "empty" is a directory the extraction made (and so knows), then an entry replaces it with a symlink to the
        // outside: a file below it must not go through; symlinks replacing files deeper down leave directories alone
        assertRefused(crafted(tar -> {
            special(tar, "workspace/made/", TarConstants.LF_DIR, null);
            special(tar, "workspace/made/deeper/", TarConstants.LF_DIR, null);
            file(tar, "workspace/made/deeper/ok", "fine");
            special(tar, "workspace/made/deeper/ok", TarConstants.LF_SYMLINK, "elsewhere");
            special(tar, "workspace/empty/", TarConstants.LF_DIR, null);
            special(tar, "workspace/empty", TarConstants.LF_SYMLINK, outside.toString());
            file(tar, "workspace/empty/pwned", "x");
        }), "workspace/empty/pwned", "through the symlink empty", temp);
        assertThat(Files.readSymbolicLink(temp.resolve("target/made/deeper/ok"))).isEqualTo(Path.of("elsewhere"));
    }

    @Test
    void entriesOfOneNameInADirectoryTheExtractionMadeReplaceEachOtherNeverThroughASymlink() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim"), "untouched");
        Path target = temp.resolve("target");
        Archives.extract(crafted(tar -> {
            special(tar, "workspace/fresh/", TarConstants.LF_DIR, null);
            file(tar, "workspace/fresh/twice", "first");
            file(tar, "workspace/fresh/twice", "second");
            special(tar, "workspace/fresh/swap", TarConstants.LF_SYMLINK, victim.toString());
            file(tar, "workspace/fresh/swap", "replaced");
            file(tar, "workspace/fresh/dir", "a file first");
            special(tar, "workspace/fresh/dir/", TarConstants.LF_DIR, null);
            file(tar, "workspace/fresh/dir/inside", "below");
        }), Map.of("workspace", target));
        assertThat(Files.readString(target.resolve("fresh/twice"))).isEqualTo("second");
        assertThat(Files.isSymbolicLink(target.resolve("fresh/swap"))).isFalse();
        assertThat(Files.readString(target.resolve("fresh/swap"))).isEqualTo("replaced");
        assertThat(Files.readString(victim)).isEqualTo("untouched");
        assertThat(Files.readString(target.resolve("fresh/dir/inside"))).isEqualTo("below");
        assertRefused(crafted(tar -> {
            special(tar, "workspace/again/", TarConstants.LF_DIR, null);
            special(tar, "workspace/again/d/", TarConstants.LF_DIR, null);
            file(tar, "workspace/again/d", "x");
        }), "workspace/again/d", "a directory of that name is in the way", temp);
    }

    @Test
    void nativeAndPureJavaZstdReadEachOthersArchives() throws Exception {
        assertThat(ZstdStreams.isNative()).as("zstd-jni's library loads on this platform").isTrue();
        Path tree = Files.createDirectories(temp.resolve("tree"));
        Files.writeString(tree.resolve("a"), "a".repeat(100_000));
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("sub/b"), "b");
        // a path inside another one given is written once
        Archives.Written written = Archives.create(List.of(new Archives.Source(tree, "workspace"),
                new Archives.Source(tree.resolve("sub"), "workspace/sub")), temp.resolve("native.tar.zst"));
        assertThat(written.contents()).isEqualTo(new Archives.Summary(4, 2, 100_001));
        try (InputStream in = new ZstdInputStream(Files.newInputStream(written.file()));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            List<String> names = new ArrayList<>();
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                names.add(entry.getName());
            }
            assertThat(names).containsExactly("workspace/", "workspace/a", "workspace/sub/", "workspace/sub/b");
        }
        // an archive of the pure-Java zstd (as caches written before are) extracts
        Path old = crafted(tar -> file(tar, "workspace/old", "from before"));
        Archives.extract(old, Map.of("workspace", temp.resolve("out")));
        assertThat(Files.readString(temp.resolve("out/old"))).isEqualTo("from before");
    }

    @Test
    void cacheKeysRenderCircleCisTemplates() throws Exception {
        Files.writeString(temp.resolve("lock"), "deps\n");
        CacheKeys.Context context = new CacheKeys.Context("main", "abc123", 42, Map.of("V", "7"), temp, 1700000000);
        assertThat(CacheKeys.render("deps-{{ .Branch }}-{{.Revision}}-{{ .BuildNum }}-{{ .Environment.V }}-"
                + "{{ epoch }}-{{ checksum \"lock\" }}", context))
                .isEqualTo("deps-main-abc123-42-7-1700000000-" + java.util.Base64.getEncoder().encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest("deps\n".getBytes(
                                StandardCharsets.UTF_8))));
        assertThat(CacheKeys.render("{{ arch }}", context)).startsWith("arch1-");
        assertThatThrownBy(() -> CacheKeys.render("x-{{ .Nope }}", context))
                .hasMessageContaining("x-{{ .Nope }}").hasMessageContaining("unknown template {{ .Nope }}");
        assertThatThrownBy(() -> CacheKeys.render("{{ checksum \"missing\" }}", context))
                .hasMessageContaining("no such file");
    }
}
