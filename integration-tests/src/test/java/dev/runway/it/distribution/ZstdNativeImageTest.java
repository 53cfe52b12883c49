package dev.runway.it.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's runtime loads zstd-jni's native library from its own {@code lib} directory, so a task agent neither
 * unpacks it into the temporary directory nor falls back to the pure-Java zstd where that directory is unusable.
 */
class ZstdNativeImageTest {
    private static final Path IMAGE = Path.of(System.getProperty("runway.image", "")).toAbsolutePath();

    @Test
    void nativeZstdLoadsFromTheImageWithoutTheTemporaryDirectory(@TempDir Path dir) throws Exception {
        try (var listing = Files.list(IMAGE.resolve("lib"))) {
            assertThat(listing.map(path -> path.getFileName().toString()))
                    .as("zstd-jni's library in the image's lib").anyMatch(name -> name.startsWith("libzstd-jni-"));
        }
        // zstd-jni would unpack its library here: a directory that does not exist makes that fail
        Path noTemp = dir.resolve("no-such-temporary-directory");
        Path classes = Path.of(ZstdProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process process = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "-Djava.io.tmpdir=" + noTemp,
                "--add-exports", "dev.runway.taskagent/dev.runway.taskagent.storage=ALL-UNNAMED",
                "-cp", classes.toString(), ZstdProbe.class.getName(), dir.resolve("work").toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("native zstd: true", "round trip: 1 files, 100000 bytes")
                .doesNotContain("unavailable", "cannot be loaded");
        assertThat(noTemp).doesNotExist();
    }
}
