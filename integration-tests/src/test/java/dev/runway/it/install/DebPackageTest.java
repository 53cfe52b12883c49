package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that modules/distribution/build-deb.sh builds, installed, removed and purged by the real dpkg in a
 * throwaway root (`dpkg --root=DIR` with a dpkg database of its own; maintainer scripts run with
 * --force-script-chrootless, so they act on DIR through DPKG_ROOT and never on the host). And the release's
 * SHA256SUMS, signed by modules/distribution/sign-release.sh with a key made for the test.
 */
class DebPackageTest {
    static Path deb;
    @TempDir
    Path temp;

    @BeforeAll
    static void findPackage() throws IOException {
        assumeTrue(ServiceFilesTest.onPath("dpkg-deb") && ServiceFilesTest.onPath("dpkg"),
                "dpkg-deb or dpkg not found: the build skipped the .deb (build-deb.sh), nothing to install");
        // dpkg sets the owners of the package's files and postinst runs useradd --root: both need root.
        assumeTrue(SystemRoot.isRoot(), "needs root (dpkg --root chowns files, useradd --root)");
        try (Stream<Path> files = Files.walk(Command.RELEASE.resolve(Command.VERSION))) {
            deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("dpkg-deb exists but the build made no .deb under "
                            + Command.RELEASE));
        }
    }

    /** A root with an empty dpkg database: what `dpkg --root` needs to install into it. */
    private Path emptyRoot() throws IOException {
        Path root = temp.resolve("root");
        Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.createDirectories(dpkg.resolve("info"));
        Files.createDirectories(dpkg.resolve("updates"));
        Files.createFile(dpkg.resolve("status"));
        Files.createFile(dpkg.resolve("available"));
        Files.createDirectories(root.resolve("etc"));
        return root;
    }

    /** --force-depends: the throwaway root has no other package (passwd, which gives useradd, is the host's). */
    private static Command.Result dpkg(Path root, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("dpkg", "--root=" + root, "--log=/dev/null",
                "--force-script-chrootless", "--force-depends"));
        argv.addAll(List.of(args));
        return new Command(argv.toArray(String[]::new)).run();
    }

    private static String status(Path root) throws Exception {
        Command.Result result = new Command("dpkg-query", "--root=" + root, "--show", "--showformat=${Status}",
                "runway").run();
        return result.exit() == 0 ? result.out() : "unknown";
    }

    @Test
    void installsTheImageUserAndDisabledUnitsThenRemoveKeepsConfigurationAndPurgeDeletesIt() throws Exception {
        Path root = emptyRoot();

        Command.Result install = dpkg(root, "--install", deb.toString());

        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(status(root)).isEqualTo("install ok installed");
        assertThat(root.resolve("opt/runway/bin/runway")).isExecutable();
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/runway"))).isEqualTo(Path.of("/opt/runway/bin/runway"));
        Command.Result version = new Command(root.resolve("opt/runway/bin/runway").toString(), "--version").run();
        assertThat(version.out()).startsWith("runway " + Command.VERSION);
        assertThat(root.resolve("usr/share/man/man1/runway.1.gz")).isRegularFile();
        assertThat(root.resolve("usr/share/man/man1/runway-job-submit.1.gz")).isRegularFile();
        String agentUnit = Files.readString(root.resolve("lib/systemd/system/runway.service"));
        assertThat(agentUnit).contains("ExecStart=/opt/runway/bin/runway launch-agent --config "
                + "/etc/opt/runway/launch-agent-config.yaml")
                .contains("ConditionPathExists=/etc/opt/runway/launch-agent-config.yaml");
        assertThat(Files.readString(root.resolve("lib/systemd/system/runway-server.service")))
                .contains("ExecStart=/opt/runway/bin/runway server --data-dir /var/lib/runway/server");
        // Disabled until configured: nothing enabled the units.
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants")).doesNotExist();
        assertThat(Files.readAllLines(root.resolve("etc/passwd")))
                .contains("circleci:!:1500:1500:Runway job user:/home/circleci:/bin/bash");
        assertThat(Files.getOwner(root.resolve("var/opt/runway/workdir")).getName()).isIn("circleci", "1500");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/opt/runway/workdir"))))
                .isEqualTo("rwxr-x---");

        // A changed conffile and the server's data: remove keeps both, purge deletes both.
        Files.writeString(root.resolve("etc/opt/runway/server.env"), "RUNWAY_SERVER_OPTS=--listen 0.0.0.0:7733\n");
        Files.writeString(Files.createDirectories(root.resolve("var/lib/runway/server")).resolve("runway.mv.db"), "db");

        Command.Result remove = dpkg(root, "--remove", "runway");

        assertThat(remove.exit()).as(remove.all()).isZero();
        assertThat(status(root)).isEqualTo("deinstall ok config-files");
        assertThat(root.resolve("opt/runway")).doesNotExist();
        assertThat(root.resolve("usr/bin/runway")).doesNotExist();
        assertThat(root.resolve("lib/systemd/system/runway.service")).doesNotExist();
        assertThat(root.resolve("etc/opt/runway/server.env")).hasContent("RUNWAY_SERVER_OPTS=--listen 0.0.0.0:7733");
        assertThat(root.resolve("etc/opt/runway/environment")).isRegularFile();
        assertThat(root.resolve("var/lib/runway/server/runway.mv.db")).hasContent("db");
        assertThat(root.resolve("var/opt/runway/workdir")).isDirectory();

        Command.Result purge = dpkg(root, "--purge", "runway");

        assertThat(purge.exit()).as(purge.all()).isZero();
        assertThat(status(root)).isEqualTo("unknown");
        assertThat(root.resolve("etc/opt/runway")).doesNotExist();
        assertThat(root.resolve("var/lib/runway")).doesNotExist();
        assertThat(root.resolve("var/opt/runway")).doesNotExist();
        // The job user stays: files it owns may be anywhere.
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("circleci:");
    }

    @Test
    void anExistingJobUserIsKept() throws Exception {
        Path root = emptyRoot();
        String circleci = "circleci:x:1500:1500:CircleCI:/home/circleci:/bin/bash\n";
        Files.writeString(root.resolve("etc/passwd"), circleci);

        Command.Result install = dpkg(root, "--install", deb.toString());

        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(root.resolve("etc/passwd")).hasContent(circleci.strip());
    }

    @Test
    void sha256sumsCoverTheReleaseFilesAndItsSignatureVerifiesWithThePublishedKey() throws Exception {
        assumeTrue(ServiceFilesTest.onPath("gpg"), "gpg not found: cannot sign or verify");
        Path release = temp.resolve("release");
        ServiceFilesTest.copyTree(Command.RELEASE.resolve(Command.VERSION), release);
        Command.Result sums = new Command("sha256sum", "--check", "--strict", "SHA256SUMS").in(release).run();
        assertThat(sums.exit()).as(sums.all()).isZero();
        assertThat(sums.out()).contains(release.relativize(find(release, ".deb")) + ": OK")
                .contains(release.relativize(find(release, ".tar.gz")) + ": OK");

        // The release manager's key ring (a key made for the test) signs; a user's key ring holds only the public key.
        Path signer = gnupgHome("signer");
        Path user = gnupgHome("user");
        try {
            Command.Result key = new Command("gpg", "--batch", "--passphrase", "", "--quick-generate-key",
                    "Runway test release <release@runway.invalid>", "ed25519", "sign", "never")
                    .env("GNUPGHOME", signer.toString()).run();
            assertThat(key.exit()).as(key.all()).isZero();
            Command.Result sign = new Command("bash", Command.REPO.resolve("modules/distribution/sign-release.sh")
                    .toString(), release.toString()).env("GNUPGHOME", signer.toString())
                    .env("RUNWAY_SIGNING_KEY", "release@runway.invalid").run();
            assertThat(sign.exit()).as(sign.all()).isZero();

            Command.Result imported = new Command("gpg", "--batch", "--import",
                    release.resolve("runway-release-key.asc").toString()).env("GNUPGHOME", user.toString()).run();
            assertThat(imported.exit()).as(imported.all()).isZero();
            Command.Result verify = verify(user, release);
            assertThat(verify.exit()).as(verify.all()).isZero();
            assertThat(verify.err()).contains("Good signature from \"Runway test release <release@runway.invalid>\"");

            Files.writeString(release.resolve("SHA256SUMS"), "0".repeat(64) + " *linux/amd64/other.deb\n",
                    java.nio.file.StandardOpenOption.APPEND);
            Command.Result tampered = verify(user, release);
            assertThat(tampered.exit()).as(tampered.all()).isNotZero();
            assertThat(tampered.err()).contains("BAD signature");
        } finally {
            for (Path home : List.of(signer, user)) {
                new Command("gpgconf", "--kill", "all").env("GNUPGHOME", home.toString()).run();
                new Command("rm", "-rf", home.toString()).run();
            }
        }
    }

    private static Command.Result verify(Path gnupgHome, Path release) throws Exception {
        return new Command("gpg", "--batch", "--verify", release.resolve("SHA256SUMS.asc").toString(),
                release.resolve("SHA256SUMS").toString()).env("GNUPGHOME", gnupgHome.toString()).run();
    }

    private Path gnupgHome(String name) throws IOException {
        // Short: gpg-agent's socket path must fit in 108 bytes.
        Path home = Files.createTempDirectory("gpg-" + name);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        return home;
    }

    private static Path find(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }
}
