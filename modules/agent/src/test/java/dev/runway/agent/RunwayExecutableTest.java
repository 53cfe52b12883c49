package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunwayExecutableTest {
    @TempDir
    Path image;

    private Path executable(String name) throws Exception {
        Path file = Files.createDirectories(image.resolve("bin")).resolve(name);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void findsTheLauncherBesideTheImagesJava() throws Exception {
        Path java = executable("java");
        Path runway = executable("runway");
        assertThat(RunwayExecutable.locate(null, null, Optional.of(java.toString()))).isEqualTo(runway);
    }

    @Test
    void explicitPathsWinPropertyFirst() throws Exception {
        Path java = executable("java");
        executable("runway");
        Path custom = executable("custom-runway");
        Path other = executable("other");
        assertThat(RunwayExecutable.locate(custom.toString(), other.toString(), Optional.of(java.toString())))
                .isEqualTo(custom);
        assertThat(RunwayExecutable.locate(null, other.toString(), Optional.of(java.toString()))).isEqualTo(other);
    }

    @Test
    void saysWhatToDoWhenNothingIsFound() throws Exception {
        Path java = executable("java");
        assertThatThrownBy(() -> RunwayExecutable.locate(null, null, Optional.of(java.toString())))
                .hasMessageContaining(image.resolve("bin/runway").toString())
                .hasMessageContaining(RunwayExecutable.ENVIRONMENT);
        assertThatThrownBy(() -> RunwayExecutable.locate(null, null, Optional.empty()))
                .hasMessageContaining(RunwayExecutable.ENVIRONMENT);
        assertThatThrownBy(() -> RunwayExecutable.locate(image.resolve("nope").toString(), null, Optional.empty()))
                .hasMessageContaining("not an executable file");
    }

    @Test
    void theRunningProcessIsAJavaBinary() {
        // What locate() looks beside: on this JDK the current command is .../bin/java.
        assertThat(ProcessHandle.current().info().command()).hasValueSatisfying(
                command -> assertThat(Path.of(command).getFileName().toString()).startsWith("java"));
    }
}
