package dev.runway.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `runway install macos` on this Linux machine: the file steps really run into a temporary root; dscl and launchctl
 * exist only on macOS, so the LaunchDaemon form is checked as a dry run (what would run) and nothing more.
 */
class MacosInstallTest {
    @TempDir
    Path temp;
    SystemRoot t;

    @BeforeEach
    void setUp() throws IOException {
        t = new SystemRoot(temp);
    }

    @Test
    void perUserLaunchAgentIsInstalledIntoARoot() throws IOException {
        String home = System.getProperty("user.home");

        CliRun run = CliRun.runway("install", "macos", "--per-user", "--root", t.root.toString(),
                "--token-file", t.tokenFile.toString(), "--image", t.image.toString(), "--name", "mac-1");

        assertThat(run.exit()).as(run.all()).isZero();
        Path plist = t.at(home + "/Library/LaunchAgents/com.runway.runner.plist");
        assertThat(Files.readString(plist)).contains("<string>" + home + "/.runway/image/bin/runway</string>")
                .contains("<string>" + home + "/Library/Preferences/com.runway.runner/launch-agent-config.yaml</string>")
                .contains("<key>ExitTimeOut</key>\n    <integer>18330</integer>")
                .contains("<string>Aqua</string>");
        Path config = t.at(home + "/Library/Preferences/com.runway.runner/launch-agent-config.yaml");
        assertThat(SystemRoot.mode(config)).isEqualTo("rw-------");
        assertThat(FileOwner.of(config)).isEqualTo(FileOwner.of(Path.of(home)));
        assertThat(Files.readString(config)).contains("file: \"" + home + "/Library/Logs/com.runway.runner.log\"")
                .doesNotContain("task_user");
        assertThat(RuntimeImage.sameContent(t.image, t.at(home + "/.runway/image"))).isTrue();
        assertThat(run.all()).doesNotContain(SystemRoot.TOKEN);

        Map<String, String> before = t.snapshot();
        CliRun again = CliRun.runway("install", "macos", "--per-user", "--root", t.root.toString(),
                "--token-file", t.tokenFile.toString(), "--image", t.image.toString(), "--name", "mac-1");
        assertThat(again.out()).contains("install: 0 changed, 5 unchanged");
        assertThat(t.snapshot()).isEqualTo(before);

        CliRun uninstall = CliRun.runway("uninstall", "macos", "--per-user", "--root", t.root.toString(), "--purge");
        assertThat(uninstall.exit()).as(uninstall.all()).isZero();
        assertThat(plist).doesNotExist();
        assertThat(config).doesNotExist();
    }

    @Test
    void launchDaemonDryRunShowsTheDsclAndLaunchctlCommands() throws IOException {
        Map<String, String> before = t.snapshot();

        CliRun run = CliRun.runway("install", "macos", "--token-file", t.tokenFile.toString(), "--image",
                t.image.toString(), "--start", "--dry-run");

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out())
                .contains("would: user circleci (uid 1500, group staff): dscl . -create /Users/circleci;"
                        + " dscl . -create /Users/circleci UniqueID 1500; dscl . -create /Users/circleci PrimaryGroupID 20")
                .contains("dscl . -create /Users/circleci RealName 'Runway job user'")
                .contains("would: directory /var/opt/runway/workdir (circleci:staff, 0750)")
                .contains("would: write /Library/Preferences/com.runway.runner/launch-agent-config.yaml (root:wheel, 0600")
                .contains("would: write /Library/LaunchDaemons/com.runway.runner.plist (root:wheel, 0644, system LaunchDaemon)")
                .contains("would: load the service: launchctl bootstrap system /Library/LaunchDaemons/com.runway.runner.plist")
                .doesNotContain(SystemRoot.TOKEN);
        assertThat(t.snapshot()).isEqualTo(before);
    }

    @Test
    void theDaemonPlistFollowsPrefixAndDrainTime() {
        String plist = MacosInstallation.plist(false, new MacosInstallation.Layout("/opt/other", "/Library/Preferences/x",
                "/Library/LaunchDaemons/x.plist", "/Library/Logs/x.log", "/var/w"),
                new DrainTime(java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(5)));

        assertThat(plist).contains("<string>/opt/other/bin/runway</string>")
                .contains("<string>/Library/Preferences/x/launch-agent-config.yaml</string>")
                .contains("<integer>" + (3600 + 5 + 320) + "</integer>").doesNotContain("{{");
    }
}
