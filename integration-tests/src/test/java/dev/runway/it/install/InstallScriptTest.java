package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config-samples/install.sh against a loopback HTTP server serving a copy of the release layout the distribution
 * module builds (release.txt, VERSION/checksums.txt, VERSION/OS/ARCH/runway-VERSION.tar.gz).
 */
class InstallScriptTest {
    private static final Path SCRIPT = Command.REPO.resolve("config-samples/install.sh");

    @TempDir
    static Path shared;
    static Path served;
    @TempDir
    Path temp;
    Path prefix;
    Path tmp;
    FileServer server;
    /** When true the archive is cut off half-way (Content-Length promises more): a partial download. */
    volatile boolean truncate;

    @BeforeAll
    static void copyRelease() throws IOException {
        served = Files.createDirectories(shared.resolve("served"));
        ServiceFilesTest.copyTree(Command.RELEASE, served);
    }

    @BeforeEach
    void serveRelease() throws IOException {
        prefix = temp.resolve("opt/runway");
        tmp = Files.createDirectories(temp.resolve("tmp"));
        server = new FileServer(served, path -> truncate && path.toString().endsWith(".tar.gz"));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Command script(String... args) {
        String[] argv = Stream.concat(Stream.of("/bin/sh", SCRIPT.toString()), Stream.of(args)).toArray(String[]::new);
        return new Command(argv).env("RUNWAY_BASE_URL", "http://127.0.0.1:" + server.port() + "/")
                .env("RUNWAY_PREFIX", prefix.toString()).env("TMPDIR", tmp.toString()).unset("RUNWAY_VERSION");
    }

    private Path tarball() throws IOException {
        try (Stream<Path> files = Files.walk(served)) {
            return files.filter(f -> f.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        }
    }

    @Test
    void installsTheVerifiedLatestRelease() throws Exception {
        Command.Result result = script().run();

        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(result.out()).contains("Using Runway version " + Command.VERSION)
                .contains("Installed Runway " + Command.VERSION + " at " + prefix);
        Command.Result version = new Command(prefix.resolve("bin/runway").toString(), "--version").run();
        assertThat(version.out()).startsWith("runway " + Command.VERSION);
        assertNoLeftovers();
    }

    @Test
    void refusesATamperedArchiveAndKeepsTheInstalledOne() throws Exception {
        assertThat(script().run().exit()).isZero();
        Files.writeString(prefix.resolve("launch-task"), "#!/bin/sh\nexec \"$@\"\n");
        Map<String, String> before = snapshot(prefix);
        byte[] archive = Files.readAllBytes(tarball());
        byte[] tampered = archive.clone();
        tampered[archive.length / 2] ^= 0x5a;
        Files.write(tarball(), tampered);

        Command.Result result;
        try {
            result = script().run();
        } finally {
            Files.write(tarball(), archive);
        }

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("checksum mismatch for linux/").contains("refusing to install");
        assertThat(snapshot(prefix)).isEqualTo(before);
        assertNoLeftovers();
    }

    @Test
    void neverInstallsAPartialDownload() throws Exception {
        truncate = true;

        Command.Result result = script().run();

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("cannot download");
        assertThat(prefix).doesNotExist();
        assertNoLeftovers();
    }

    @Test
    void anUpdateKeepsTheUsersFilesAtThePrefix() throws Exception {
        assertThat(script().run().exit()).isZero();
        Files.writeString(prefix.resolve("launch-task"), "#!/bin/sh\nexec \"$@\"\n");
        Files.delete(prefix.resolve("release")); // so the update visibly replaces the image

        Command.Result again = script().run();

        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(prefix.resolve("release")).exists();
        assertThat(prefix.resolve("launch-task")).hasContent("#!/bin/sh\nexec \"$@\"");
        assertNoLeftovers();
    }

    @Test
    void thenRunsRunwayInstallFromTheNewImage() throws Exception {
        assumeTrue(SystemRoot.isRoot(), "useradd --root and chown need root");
        Path root = SystemRoot.accounts(temp.resolve("root"));
        Path token = SystemRoot.tokenFile(temp, "rc-token-5e6f7a8b9c");

        Command.Result result = script("--", "linux", "--root", root.toString(), "--token-file", token.toString()).run();

        assertThat(result.exit()).as(result.all()).isZero();
        assertThat(result.out()).contains("Running: " + prefix + "/bin/runway install linux")
                .contains("install: 7 changed, 0 unchanged").doesNotContain("rc-token-5e6f7a8b9c");
        assertThat(root.resolve("etc/systemd/system/runway.service")).exists();
        assertThat(root.resolve("opt/runway/bin/runway")).isExecutable();
        assertNoLeftovers();
    }

    @Test
    void refusesAVersionWithoutAnArchiveForThisPlatform() throws Exception {
        Command.Result result = script().env("RUNWAY_VERSION", "9.9.9").run();

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("cannot download").contains("/9.9.9/checksums.txt");
        assertThat(prefix).doesNotExist();
    }

    private void assertNoLeftovers() throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            assertThat(list.toList()).as("temporary download directories").isEmpty();
        }
        if (Files.isDirectory(prefix.getParent())) {
            try (Stream<Path> list = Files.list(prefix.getParent())) {
                assertThat(list.map(p -> p.getFileName().toString()).toList()).as("staging directories")
                        .allMatch(name -> List.of("runway").contains(name));
            }
        }
    }

    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                state.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return state;
    }
}
