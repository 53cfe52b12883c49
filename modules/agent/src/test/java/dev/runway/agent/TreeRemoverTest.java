package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeRemoverTest {
    @TempDir
    Path temp;

    @Test
    void removesReadOnlyFilesAndDirectories() throws Exception {
        Path root = temp.resolve("work");
        Path deep = Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(deep.resolve("file"), "x");
        Files.writeString(root.resolve("a/top"), "y");
        Files.setPosixFilePermissions(deep.resolve("file"), PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(root.resolve("a/b"), PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(root.resolve("a"), PosixFilePermissions.fromString("r-x------"));

        TreeRemover.remove(root);

        assertThat(root).doesNotExist();
    }

    @Test
    void removesDirectoriesWithoutAnyPermission() throws Exception {
        Path root = temp.resolve("work");
        Path locked = Files.createDirectories(root.resolve("locked/inner"));
        Files.writeString(locked.resolve("f"), "z");
        Files.setPosixFilePermissions(root.resolve("locked"), PosixFilePermissions.fromString("---------"));

        TreeRemover.remove(root);

        assertThat(root).doesNotExist();
    }

    @Test
    void symlinksPointingOutsideAreRemovedButNotFollowed() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("r-x------"));
        Path root = Files.createDirectories(temp.resolve("work"));
        Files.createSymbolicLink(root.resolve("to-dir"), outside);
        Files.createSymbolicLink(root.resolve("to-file"), precious);
        Files.createSymbolicLink(root.resolve("dangling"), temp.resolve("nowhere"));
        Files.createDirectories(root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/up"), temp);

        TreeRemover.remove(root);

        assertThat(root).doesNotExist();
        assertThat(precious).hasContent("keep me");
        assertThat(Files.getPosixFilePermissions(outside)).isEqualTo(PosixFilePermissions.fromString("r-x------"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void rootThatIsASymlinkIsRemovedAsALink() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path root = Files.createSymbolicLink(temp.resolve("work"), outside);

        TreeRemover.remove(root);

        assertThat(Files.exists(root, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside.resolve("precious")).hasContent("keep me");
    }

    @Test
    void missingRootIsFine() throws Exception {
        TreeRemover.remove(temp.resolve("never-created"));
        assertThat(temp.resolve("never-created")).doesNotExist();
    }
}
