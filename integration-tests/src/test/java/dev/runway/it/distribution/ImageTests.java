package dev.runway.it.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jlink image and the release layout that the install script downloads. */
class ImageTests {
    private static final Path IMAGE = Path.of(System.getProperty("runway.image", "")).toAbsolutePath();
    private static final Path RELEASE = Path.of(System.getProperty("runway.release", "")).toAbsolutePath();
    private static final String VERSION = System.getProperty("runway.version", "0.1.0-SNAPSHOT");

    @Test
    void imageRunsRunwayVersion() throws Exception {
        String out = run(IMAGE.resolve("bin/runway").toString(), "--version");
        assertThat(out).startsWith("runway " + VERSION);
    }

    @Test
    void imageHoldsEveryLauncherProviderAndTheLoggingBackend() throws Exception {
        String modules = run(IMAGE.resolve("bin/java").toString(), "--list-modules");
        assertThat(modules).contains("dev.runway.cli@", "dev.runway.agent@", "dev.runway.taskagent@",
                "dev.runway.server@", "dev.runway.launcher@", "dev.runway.launcher.linux@",
                "dev.runway.launcher.macos@", "ch.qos.logback.classic@", "com.sun.jna@");
    }

    /**
     * The launch agent's arguments run the task agent without picocli, whose model of the command would cost every
     * job's pickup about 100 ms (protocol's TaskAgentInvocation.parse); help still comes from picocli.
     */
    @Test
    void taskAgentStartsWithoutPicocliAndStillAnswersHelp(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes.log");
        ProcessBuilder taskAgent = new ProcessBuilder(IMAGE.resolve("bin/runway").toString(), "task-agent",
                "--api-url", "http://127.0.0.1:1", "--task-id", "t-1", "--max-run-time", "1h0m0s",
                "--cancel-grace-period", "10s").directory(dir.toFile());
        taskAgent.environment().put("RUNWAY_JAVA_OPTS", "-Xlog:class+load:file=" + classes);
        Process process = taskAgent.redirectErrorStream(true).start();
        process.getOutputStream().close(); // no token
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("no task token on standard input");
        String loaded = Files.readString(classes);
        assertThat(loaded).contains("dev.runway.cli.taskagent.TaskAgentProgram ").doesNotContain(" picocli.");
        assertThat(run(IMAGE.resolve("bin/runway").toString(), "task-agent", "--help"))
                .contains("Usage: runway task-agent", "--cancel-grace-period");
    }

    @Test
    void releaseLayoutHasVersionTarballAndMatchingChecksum() throws Exception {
        assertThat(Files.readString(RELEASE.resolve("release.txt")).strip()).isEqualTo(VERSION);
        List<String> lines = Files.readAllLines(RELEASE.resolve(VERSION).resolve("checksums.txt"));
        assertThat(lines).hasSize(1);
        String[] parts = lines.get(0).split(" \\*", 2);
        assertThat(parts[1]).matches("(linux|darwin)/(amd64|arm64)/runway-" + VERSION.replace(".", "\\.")
                + "\\.tar\\.gz");
        Path tarball = RELEASE.resolve(VERSION).resolve(parts[1]);
        assertThat(parts[0]).isEqualTo(sha256(tarball));
        String listing = run("tar", "-tzf", tarball.toString());
        assertThat(listing).contains("runway-" + VERSION + "/bin/runway");
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }
}
