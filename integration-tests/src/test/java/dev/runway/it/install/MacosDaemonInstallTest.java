package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.testsupport.SystemRoot;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `runway install macos` (the LaunchDaemon form) into a temporary root, run from the built image. dscl exists only
 * on macOS: a stand-in on PATH keeps user records as files, answers -read in dscl's output format and logs every
 * call. Everything else (directories, owners, modes, config, plist, image) is real.
 */
class MacosDaemonInstallTest {
    private static final String TOKEN = "rc-token-3a4b5c6d7e";
    private static final String FAKE_DSCL = """
            #!/bin/sh
            # dscl stand-in: dscl -f NODE localonly (-create PATH [KEY VALUE] | -read PATH KEY... | -delete PATH)
            echo "$*" >> "$FAKE_DSCL_DIR/calls"
            shift 3
            command=$1; record="$FAKE_DSCL_DIR/$(echo "$2" | tr / _)"; shift 2
            case $command in
              -create) touch "$record"; if [ $# -eq 2 ]; then grep -v "^$1:" "$record" > "$record.new" || true
                         echo "$1: $2" >> "$record.new"; mv "$record.new" "$record"; fi ;;
              -delete) rm -f "$record" ;;
              -read) [ -f "$record" ] || { echo "DS Error: -14136 (eDSRecordNotFound)" >&2; exit 56; }
                     for key; do line=$(grep "^$key:" "$record") || continue; value=${line#*: }
                       case $value in *" "*) printf '%s:\\n %s\\n' "$key" "$value" ;; *) echo "$key: $value" ;; esac
                     done ;;
            esac
            """;

    @TempDir
    Path temp;
    Path root;
    Path fake;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(SystemRoot.isRoot(), "chown needs root");
        root = Files.createDirectories(temp.resolve("root"));
        fake = Files.createDirectories(temp.resolve("fake"));
        Files.writeString(fake.resolve("dscl"), FAKE_DSCL);
        Files.setPosixFilePermissions(fake.resolve("dscl"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Command runway(String... args) {
        String[] argv = java.util.stream.Stream.concat(java.util.stream.Stream.of(
                Command.IMAGE.resolve("bin/runway").toString()), java.util.stream.Stream.of(args)).toArray(String[]::new);
        return new Command(argv).env("PATH", fake + ":" + System.getenv("PATH")).env("FAKE_DSCL_DIR", fake.toString());
    }

    @Test
    void installsTheLaunchDaemonAndItsUserThenUninstallsWithPurge() throws Exception {
        Path token = SystemRoot.tokenFile(temp, TOKEN);

        Command.Result install = runway("install", "macos", "--root", root.toString(), "--token-file", token.toString()).run();

        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(install.all()).doesNotContain(TOKEN);
        String node = root.resolve("var/db/dslocal/nodes/Default").toString();
        assertThat(Files.readAllLines(fake.resolve("calls"))).contains(
                "-f " + node + " localonly -create /Local/Target/Users/circleci UniqueID 1500",
                "-f " + node + " localonly -create /Local/Target/Users/circleci PrimaryGroupID 20",
                "-f " + node + " localonly -create /Local/Target/Users/circleci RealName Runway job user");
        assertOwnerAndMode("Users/circleci", 1500, 20, "rwxr-x---");
        assertOwnerAndMode("var/opt/runway/workdir", 1500, 20, "rwxr-x---");
        assertOwnerAndMode("Library/Preferences/com.runway.runner", 0, 0, "rwx------");
        assertOwnerAndMode("Library/Preferences/com.runway.runner/launch-agent-config.yaml", 0, 0, "rw-------");
        assertOwnerAndMode("Library/LaunchDaemons/com.runway.runner.plist", 0, 0, "rw-r--r--");
        assertThat(Files.readString(root.resolve("Library/Preferences/com.runway.runner/launch-agent-config.yaml")))
                .contains("task_user: \"circleci\"").contains("file: \"/Library/Logs/com.runway.runner.log\"");
        assertThat(root.resolve("opt/runway/bin/runway")).isExecutable();

        Command.Result again = runway("install", "macos", "--root", root.toString(), "--token-file", token.toString()).run();
        assertThat(again.out()).as(again.all()).contains("install: 0 changed, 8 unchanged");

        Command.Result purge = runway("uninstall", "macos", "--root", root.toString(), "--purge").run();
        assertThat(purge.exit()).as(purge.all()).isZero();
        assertThat(Files.readAllLines(fake.resolve("calls")))
                .contains("-f " + node + " localonly -delete /Local/Target/Users/circleci");
        assertThat(root.resolve("Library/LaunchDaemons/com.runway.runner.plist")).doesNotExist();
        assertThat(root.resolve("Library/Preferences/com.runway.runner")).doesNotExist();
        assertThat(root.resolve("opt/runway")).doesNotExist();
    }

    private void assertOwnerAndMode(String path, int uid, int gid, String mode) throws Exception {
        Path p = root.resolve(path);
        assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(path).isEqualTo(uid);
        assertThat(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(path).isEqualTo(gid);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(path).isEqualTo(mode);
    }
}
