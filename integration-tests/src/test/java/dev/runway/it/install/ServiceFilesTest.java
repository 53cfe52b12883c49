package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.cli.install.DrainTime;
import dev.runway.cli.install.LinuxInstallation;
import dev.runway.cli.install.MacosInstallation;
import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service files: the samples in config-samples/ are exactly what `runway install` writes; systemd-analyze verify
 * accepts the unit installed by the image's `runway install linux --root`; the plists are valid property lists with
 * the keys launchd needs and a drain-long ExitTimeOut.
 */
class ServiceFilesTest {
    private static final Path SAMPLES = Command.REPO.resolve("config-samples");
    private static final String TOKEN = "rc-token-0c9d8e7f6a5b4c3d";

    @TempDir
    Path temp;

    @Test
    void samplesAreWhatInstallWrites() throws IOException {
        assertThat(Files.readString(SAMPLES.resolve("linux/runway.service")))
                .isEqualTo(LinuxInstallation.unit("/opt/runway", DrainTime.DEFAULT));
        assertThat(Files.readString(SAMPLES.resolve("macos/com.runway.runner.plist"))).isEqualTo(MacosInstallation.plist(
                false, new MacosInstallation.Layout("/opt/runway", "/Library/Preferences/com.runway.runner",
                        "/Library/LaunchDaemons/com.runway.runner.plist", "/Library/Logs/com.runway.runner.log",
                        "/var/opt/runway/workdir"), DrainTime.DEFAULT));
        assertThat(Files.readString(SAMPLES.resolve("macos/com.runway.runner.user.plist"))).isEqualTo(
                MacosInstallation.plist(true, new MacosInstallation.Layout("/Users/USERNAME/.runway/image",
                        "/Users/USERNAME/Library/Preferences/com.runway.runner", "", "", ""), DrainTime.DEFAULT));
    }

    @Test
    void systemdAnalyzeAcceptsTheUnitTheImageInstalls() throws Exception {
        assumeTrue(SystemRoot.isRoot(), "useradd --root and chown need root");
        assumeTrue(Files.isDirectory(Path.of("/usr/lib/systemd/system")) && onPath("systemd-analyze"),
                "needs systemd-analyze and systemd's units");
        Path root = SystemRoot.accounts(temp.resolve("root"));

        // The image installs itself (--image defaults to the image runway runs from).
        Command.Result install = new Command(Command.IMAGE.resolve("bin/runway").toString(), "install", "linux",
                "--root", root.toString(), "--token-file", SystemRoot.tokenFile(temp, TOKEN).toString()).run();

        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(install.all()).doesNotContain(TOKEN);
        assertThat(root.resolve("opt/runway/bin/runway")).isExecutable();
        // systemd-analyze --root needs the units the service refers to (multi-user.target, network-online.target).
        copyTree(Path.of("/usr/lib/systemd/system"), Files.createDirectories(root.resolve("usr/lib/systemd/system")));
        Command.Result verify = verify(root);
        assertThat(verify.exit()).as(verify.all()).isZero();
        assertThat(verify.all()).as("no warnings").isBlank();

        // The check can fail: a misspelt value in the same unit is reported.
        Path unit = root.resolve("etc/systemd/system/runway.service");
        Files.writeString(unit, Files.readString(unit).replace("KillMode=mixed", "KillMode=mixd"));
        assertThat(verify(root).all()).contains("runway.service:").contains("mixd");
    }

    private static Command.Result verify(Path root) throws Exception {
        return new Command("systemd-analyze", "verify", "--man=no", "--root=" + root, "runway.service").run();
    }

    @Test
    void launchDaemonPlistIsAValidPropertyListWithTheGuidesKeys() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> plist = (Map<String, Object>) PropertyList.read(SAMPLES.resolve("macos/com.runway.runner.plist"));

        assertThat(plist).containsEntry("Label", "com.runway.runner").containsEntry("Program", "/opt/runway/bin/runway")
                .containsEntry("ProgramArguments", List.of("runway", "launch-agent", "--config",
                        "/Library/Preferences/com.runway.runner/launch-agent-config.yaml"))
                .containsEntry("RunAtLoad", true).containsEntry("KeepAlive", true)
                .containsEntry("ProcessType", "Interactive").containsEntry("ThrottleInterval", 3L)
                .containsEntry("StandardOutPath", "/dev/null").containsEntry("StandardErrorPath", "/dev/null");
        assertDrainLongExitTimeout(plist);
    }

    @Test
    void launchAgentPlistIsAValidPropertyList() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> plist = (Map<String, Object>) PropertyList.read(
                SAMPLES.resolve("macos/com.runway.runner.user.plist"));

        assertThat(plist).containsEntry("Label", "com.runway.runner").containsEntry("LimitLoadToSessionType", "Aqua")
                .containsEntry("RunAtLoad", true).containsEntry("KeepAlive", true);
        assertDrainLongExitTimeout(plist);
    }

    private static void assertDrainLongExitTimeout(Map<String, Object> plist) {
        // Unlike CircleCI's 600 s: at least max_run_time + grace_period, so launchd does not kill a draining agent.
        assertThat((Long) plist.get("ExitTimeOut")).isGreaterThanOrEqualTo(DrainTime.DEFAULT.maxRunTime()
                .plus(DrainTime.DEFAULT.gracePeriod()).toSeconds());
    }

    @Test
    void theChecksRejectBrokenPropertyLists() throws IOException {
        assertRejected("<plist version=\"1.0\"><dict><key>A</key><key>B</key><string>x</string></dict></plist>",
                "followed by another <key>");
        assertRejected("<plist version=\"1.0\"><dict><key>A</key><integer>3s</integer></dict></plist>",
                "is not an integer");
        assertRejected("<plist version=\"1.0\"><dict><key>A</key><true/><key>A</key><false/></dict></plist>",
                "duplicate key A");
        assertRejected("<plist version=\"1.0\"><dict><key>A</key><string>x</dict></plist>", "not well-formed");
        assertRejected("<plist version=\"1.0\"><dict><key>A</key><bool>x</bool></dict></plist>",
                "not a property-list element");
    }

    private void assertRejected(String xml, String problem) throws IOException {
        Path file = temp.resolve("broken.plist");
        Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml);
        assertThatThrownBy(() -> PropertyList.read(file)).hasMessageContaining(problem);
    }

    static boolean onPath(String program) {
        return List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    static void copyTree(Path from, Path to) throws IOException {
        Command.Result copy;
        try {
            copy = new Command("cp", "-a", from + "/.", to.toString()).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (copy.exit() != 0) {
            throw new IOException("cp -a " + from + " failed: " + copy.all());
        }
    }
}
