package dev.runway.cli.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.config.ConfigLoader;
import dev.runway.config.LaunchAgentConfig;
import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `runway install linux --root DIR` into a temporary root: real useradd, real files, modes and owners. */
class LinuxInstallTest {
    @TempDir
    Path temp;
    SystemRoot t;

    @BeforeEach
    void setUp() throws IOException {
        // useradd --root and chown need root; the CI machine runs tests as root.
        assumeTrue(SystemRoot.isRoot(), "needs root (useradd, chown)");
        t = new SystemRoot(temp);
    }

    private CliRun install(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("install", "linux", "--root", t.root.toString(),
                "--token-file", t.tokenFile.toString(), "--image", t.image.toString(), "--name", "test-runner",
                "--api-url", "http://127.0.0.1:7733"));
        args.addAll(List.of(extra));
        return CliRun.runway(args.toArray(String[]::new));
    }

    @Test
    void installsUserDirectoriesConfigImageAndUnit() throws IOException {
        CliRun run = install();

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(Files.readAllLines(t.at("/etc/passwd")))
                .contains("circleci:x:1500:1500:Runway job user:/home/circleci:/bin/bash");
        assertThat(Files.readAllLines(t.at("/etc/group"))).contains("circleci:x:1500:");
        assertDirectory("/var/opt/runway", "rwxr-xr-x", FileOwner.ROOT);
        assertDirectory("/var/opt/runway/workdir", "rwxr-x---", new FileOwner(1500, 1500));
        assertDirectory("/etc/opt/runway", "rwx------", FileOwner.ROOT);

        Path config = t.at("/etc/opt/runway/launch-agent-config.yaml");
        assertThat(SystemRoot.mode(config)).isEqualTo("rw-------");
        assertThat(FileOwner.of(config)).isEqualTo(FileOwner.ROOT);
        assertThat(Files.readString(config)).contains("auth_token: \"" + SystemRoot.TOKEN + "\"")
                .contains("url: \"http://127.0.0.1:7733\"").contains("name: \"test-runner\"")
                .contains("working_directory: \"/var/opt/runway/workdir/%s\"").contains("task_user: \"circleci\"");
        LaunchAgentConfig loaded = assertDoesNotThrow(() -> ConfigLoader.load(config, Map.of()).config());
        assertThat(loaded.api().authToken().reveal()).isEqualTo(SystemRoot.TOKEN);
        assertThat(loaded.runner().name()).isEqualTo("test-runner");
        assertThat(loaded.runner().taskUser()).isEqualTo("circleci");
        assertThat(loaded.runner().cleanupWorkingDirectory()).isTrue();

        Path unit = t.at("/etc/systemd/system/runway.service");
        assertThat(SystemRoot.mode(unit)).isEqualTo("rw-r--r--");
        assertThat(Files.readAllLines(unit)).contains("Type=notify", "NotifyAccess=main", "KillMode=mixed",
                "Restart=always", "TimeoutStopSec=18330",
                "ExecStart=/opt/runway/bin/runway launch-agent --config /etc/opt/runway/launch-agent-config.yaml");

        assertThat(RuntimeImage.sameContent(t.image, t.at("/opt/runway"))).isTrue();
        assertThat(FileOwner.of(t.at("/opt/runway/bin/runway"))).isEqualTo(FileOwner.ROOT);
        assertThat(run.all()).doesNotContain(SystemRoot.TOKEN);
        assertNoTemporaryFiles();
    }

    @Test
    void secondRunChangesNothing() throws IOException {
        assertThat(install().exit()).isZero();
        Map<String, String> before = t.snapshot();

        CliRun again = install();

        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out().lines().filter(l -> l.startsWith("["))).allMatch(l -> l.contains("] unchanged: "));
        assertThat(again.out()).contains("install: 0 changed, 7 unchanged");
        assertThat(t.snapshot()).isEqualTo(before);
    }

    @Test
    void dryRunPrintsEveryActionAndWritesNothing() throws IOException {
        Map<String, String> before = t.snapshot();

        CliRun run = install("--dry-run", "--start");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(t.snapshot()).isEqualTo(before);
        assertThat(run.out()).contains("would: user circleci (uid 1500): useradd --root " + t.root)
                .contains("would: directory /var/opt/runway/workdir (circleci:circleci, 0750)")
                .contains("would: write /etc/opt/runway/launch-agent-config.yaml (root, 0600, generated from token file")
                .contains("would: install the runtime image " + t.image + " at /opt/runway")
                .contains("would: write /etc/systemd/system/runway.service (root, 0644, systemd unit)")
                .contains("would: enable the service in " + t.root + ": systemctl --root=" + t.root + " enable runway.service")
                .contains("install (dry run, nothing changed): 8 would change, 0 unchanged")
                .doesNotContain(SystemRoot.TOKEN);
    }

    @Test
    void aPerSlotUserIsOneUserPerSlotWithConsecutiveUids() throws IOException {
        Map<String, String> before = t.snapshot();

        CliRun run = install("--dry-run", "--user", "circleci-%d", "--slots", "3");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(t.snapshot()).isEqualTo(before);
        assertThat(run.out()).contains("would: user circleci-1 (uid 1500): useradd")
                .contains("would: user circleci-2 (uid 1501): useradd")
                .contains("would: user circleci-3 (uid 1502): useradd")
                .doesNotContain("circleci-4").doesNotContain("circleci-%d (uid")
                .contains("would: directory /var/opt/runway/workdir (root, 0755)");
        CliRun uninstall = CliRun.runway("uninstall", "linux", "--root", t.root.toString(), "--dry-run", "--purge",
                "--user", "circleci-%d", "--slots", "3");
        assertThat(uninstall.out()).as(uninstall.all()).contains("circleci-1").contains("circleci-2")
                .contains("circleci-3");
    }

    @Test
    void aPerSlotUserNeedsOneSlotPlaceholderInALowercaseName() {
        for (String bad : List.of("%d", "ci-%d-%d", "CI-%d")) {
            CliRun run = install("--dry-run", "--user", bad, "--slots", "2");
            assertThat(run.exit()).as(bad).isNotZero();
            assertThat(run.err()).as(bad).contains("--user " + bad);
        }
    }

    @Test
    void aFailedStepLeavesNoPartialFileAndNamesTheStep() throws IOException {
        // A directory where the unit should go: the rename onto it fails after the temp file was written.
        Path obstacle = Files.createDirectories(t.at("/etc/systemd/system/runway.service"));
        Files.writeString(obstacle.resolve("keep"), "x");

        CliRun failed = install();

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("[7/7] FAILED: write /etc/systemd/system/runway.service")
                .contains("install stopped at step 7 of 7");
        assertThat(failed.out()).contains("[6/7] done: install the runtime image");
        assertNoTemporaryFiles();
        assertThat(failed.all()).doesNotContain(SystemRoot.TOKEN);

        Files.delete(obstacle.resolve("keep"));
        Files.delete(obstacle);
        CliRun again = install();
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("install: 1 changed, 6 unchanged");
    }

    @Test
    void aStagingCopyLeftByAKilledRunIsRemovedByTheNextOne() throws IOException {
        Path stale = Files.createDirectories(t.at("/opt/.runway.new-123456/bin"));
        Files.writeString(stale.resolve("runway"), "half a copy");

        assertThat(install().exit()).isZero();

        assertThat(t.at("/opt/.runway.new-123456")).doesNotExist();
        assertThat(RuntimeImage.sameContent(t.image, t.at("/opt/runway"))).isTrue();
    }

    @Test
    void aBadTokenFileFailsTheConfigStepWithoutWritingIt() throws IOException {
        Files.writeString(t.tokenFile, "two words\n");

        CliRun run = install();

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("FAILED: write /etc/opt/runway/launch-agent-config.yaml")
                .contains("token file " + t.tokenFile + " must hold one token on one line")
                .doesNotContain("two words");
        assertThat(t.at("/etc/opt/runway/launch-agent-config.yaml")).doesNotExist();
        assertNoTemporaryFiles();
    }

    @Test
    void configFromIsCopiedByteForByteAndAReplacedImageIsSwapped() throws IOException {
        Path config = temp.resolve("my-config.yaml");
        Files.writeString(config, "api:\n  auth_token: abc   # kept as written\nrunner:\n  name: box-1\n");
        assertThat(install().exit()).isZero();
        Path newImage = SystemRoot.fakeImage(temp.resolve("image2"), "two");

        CliRun run = CliRun.runway("install", "linux", "--root", t.root.toString(), "--config-from",
                config.toString(), "--image", newImage.toString());

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(Files.mismatch(config, t.at("/etc/opt/runway/launch-agent-config.yaml"))).isEqualTo(-1);
        assertThat(Files.readString(t.at("/opt/runway/bin/runway"))).contains("runway two");
        assertThat(run.out()).contains("install: 2 changed, 5 unchanged").doesNotContain("abc");
        assertNoTemporaryFiles();
    }

    @Test
    void filesOfTheUsersAtThePrefixSurviveAnUpdateAndAnUninstall() throws IOException {
        assertThat(install().exit()).isZero();
        Path launchTask = t.at("/opt/runway/launch-task");
        Files.writeString(launchTask, "#!/bin/bash\nexec \"$@\"\n");
        assertThat(install().out()).contains("install: 0 changed, 7 unchanged");

        CliRun update = CliRun.runway("install", "linux", "--root", t.root.toString(), "--image",
                SystemRoot.fakeImage(temp.resolve("image2"), "two").toString());
        assertThat(update.exit()).as(update.all()).isZero();
        assertThat(Files.readString(t.at("/opt/runway/bin/runway"))).contains("runway two");
        assertThat(launchTask).hasContent("#!/bin/bash\nexec \"$@\"");

        assertThat(CliRun.runway("uninstall", "linux", "--root", t.root.toString()).exit()).isZero();
        assertThat(launchTask).exists();
        assertThat(t.at("/opt/runway/bin")).doesNotExist();
        assertThat(t.at("/opt/runway/lib")).doesNotExist();
    }

    @Test
    void anInvalidConfigFromIsRejectedNamingTheKey() throws IOException {
        Path config = temp.resolve("bad.yaml");
        Files.writeString(config, "api:\n  auth_token: abc\nrunner:\n  max_run_time: forever\n");
        Map<String, String> before = t.snapshot();

        CliRun run = CliRun.runway("install", "linux", "--root", t.root.toString(), "--config-from",
                config.toString(), "--image", t.image.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--config-from " + config + " is not a valid configuration").contains("max_run_time");
        assertThat(t.snapshot()).isEqualTo(before);
    }

    @Test
    void theStopTimeoutFollowsTheConfiguredMaxRunTime() throws IOException {
        Path config = temp.resolve("long.yaml");
        Files.writeString(config, "api:\n  auth_token: abc\nrunner:\n  max_run_time: 12h\n  grace_period: 30s\n");

        CliRun run = CliRun.runway("install", "linux", "--root", t.root.toString(), "--config-from",
                config.toString(), "--image", t.image.toString());

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(Files.readAllLines(t.at("/etc/systemd/system/runway.service")))
                .contains("TimeoutStopSec=" + (12 * 3600 + 30 + 320));
    }

    @Test
    void startWithRootEnablesTheUnitAndUninstallReversesIt() throws IOException {
        assertThat(install("--start").exit()).isZero();
        Path wants = t.at("/etc/systemd/system/multi-user.target.wants/runway.service");
        assertThat(Files.isSymbolicLink(wants)).isTrue();

        CliRun uninstall = CliRun.runway("uninstall", "linux", "--root", t.root.toString());

        assertThat(uninstall.exit()).as(uninstall.all()).isZero();
        assertThat(Files.exists(wants, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(t.at("/etc/systemd/system/runway.service")).doesNotExist();
        assertThat(t.at("/opt/runway")).doesNotExist();
        assertThat(t.at("/etc/opt/runway/launch-agent-config.yaml")).exists();
        assertThat(Files.readString(t.at("/etc/passwd"))).contains("circleci:");

        CliRun again = CliRun.runway("uninstall", "linux", "--root", t.root.toString());
        assertThat(again.out()).contains("uninstall: 0 changed, 3 unchanged");

        CliRun purge = CliRun.runway("uninstall", "linux", "--root", t.root.toString(), "--purge");
        assertThat(purge.exit()).as(purge.all()).isZero();
        assertThat(t.at("/etc/opt/runway")).doesNotExist();
        assertThat(t.at("/var/opt/runway")).doesNotExist();
        assertThat(Files.readString(t.at("/etc/passwd"))).doesNotContain("circleci:");
        assertThat(Files.readString(t.at("/etc/group"))).doesNotContain("circleci:");
    }

    @Test
    void purgeKeepsAUserThatRunwayDidNotCreate() throws IOException {
        Files.writeString(t.at("/etc/passwd"), "circleci:x:1500:1500:CircleCI:/home/circleci:/bin/bash\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(t.at("/etc/group"), "circleci:x:1500:\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(install().out()).contains("unchanged: user circleci");

        CliRun purge = CliRun.runway("uninstall", "linux", "--root", t.root.toString(), "--purge");

        assertThat(purge.exit()).as(purge.all()).isZero();
        assertThat(Files.readString(t.at("/etc/passwd"))).contains("circleci:x:1500:1500:CircleCI:");
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingHappens() throws IOException {
        Map<String, String> before = t.snapshot();
        assertThat(CliRun.runway("install", "linux", "--root", t.root.toString(), "--image", t.image.toString()).err())
                .contains("there is no configuration at /etc/opt/runway/launch-agent-config.yaml yet");
        CliRun both = CliRun.runway("install", "linux", "--root", t.root.toString(), "--token-file",
                t.tokenFile.toString(), "--config-from", t.tokenFile.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--config-from and --token-file exclude each other");
        assertThat(CliRun.runway("install", "linux", "--root", t.root.toString(), "--token-file",
                t.tokenFile.toString(), "--prefix", "/opt/my runway").err()).contains("--prefix /opt/my runway");
        assertThat(CliRun.runway("install", "linux", "--root", t.root.toString(), "--token-file",
                t.tokenFile.toString(), "--user", "Bad User").err()).contains("--user Bad User");
        assertThat(CliRun.runway("install", "windows").exit()).isEqualTo(2);
        assertThat(t.snapshot()).isEqualTo(before);
    }

    private void assertDirectory(String path, String mode, FileOwner owner) throws IOException {
        assertThat(t.at(path)).isDirectory();
        assertThat(SystemRoot.mode(t.at(path))).as(path).isEqualTo(mode);
        assertThat(FileOwner.of(t.at(path))).as(path).isEqualTo(owner);
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(temp)) {
            assertThat(walk.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp") || n.contains(".new-") || n.contains(".old-")
                            || n.contains(".remove-"));
        }
    }
}
