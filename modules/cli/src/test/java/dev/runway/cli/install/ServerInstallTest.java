package dev.runway.cli.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runway.testsupport.SystemRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `runway install server --root DIR` and `runway uninstall server --root DIR` in a temporary root: real useradd and
 * userdel, real files, modes and owners.
 */
class ServerInstallTest {
    private static final String PASSWORD = "pg-pass-4b8d1f0e7c";
    @TempDir
    Path temp;
    SystemRoot t;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(SystemRoot.isRoot(), "needs root (useradd, chown)");
        t = new SystemRoot(temp);
    }

    private CliRun install(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("install", "server", "--root", t.root.toString(),
                "--image", t.image.toString(), "--listen", "0.0.0.0:7744"));
        args.addAll(List.of(extra));
        return CliRun.runway(args.toArray(String[]::new));
    }

    private Path passwordFile() throws IOException {
        return Files.writeString(temp.resolve("pg-password"), PASSWORD + "\n");
    }

    @Test
    void installsASystemAccountItsPrivateDataDirectoryTheConfigurationAndAHardenedUnit() throws IOException {
        CliRun run = install("--database", "postgresql://db.example:5432/runway?user=runway",
                "--database-password-file", passwordFile().toString());

        assertThat(run.exit()).as(run.all()).isZero();
        String account = Files.readAllLines(t.at("/etc/passwd")).stream().filter(l -> l.startsWith("runway:"))
                .findFirst().orElseThrow();
        assertThat(account).endsWith(":Runway server:/var/lib/runway-server:/usr/sbin/nologin");
        int uid = Integer.parseInt(account.split(":")[2]);
        assertThat(uid).as("a system account").isLessThan(1000);
        assertThat(SystemRoot.mode(t.at("/var/lib/runway-server"))).isEqualTo("rwx------");
        assertThat(FileOwner.of(t.at("/var/lib/runway-server")).uid()).isEqualTo(uid);
        assertThat(SystemRoot.mode(t.at("/etc/opt/runway/server"))).isEqualTo("rwx------");
        assertThat(FileOwner.of(t.at("/etc/opt/runway/server"))).isEqualTo(FileOwner.ROOT);

        Path environment = t.at("/etc/opt/runway/server/server.env");
        assertThat(SystemRoot.mode(environment)).isEqualTo("rw-------");
        assertThat(Files.readAllLines(environment)).contains("RUNWAY_SERVER_OPTS=\"--listen 0.0.0.0:7744\"",
                "RUNWAY_DATABASE_URL=\"postgresql://db.example:5432/runway?user=runway\"");
        Path password = t.at("/etc/opt/runway/server/database-password");
        assertThat(SystemRoot.mode(password)).isEqualTo("rw-------");
        assertThat(FileOwner.of(password)).isEqualTo(FileOwner.ROOT);
        assertThat(Files.readString(password)).isEqualTo(PASSWORD);

        Path unit = t.at("/etc/systemd/system/runway-server.service");
        assertThat(SystemRoot.mode(unit)).isEqualTo("rw-r--r--");
        String text = Files.readString(unit);
        assertThat(Files.readAllLines(unit)).contains("User=runway", "Group=runway", "UMask=0077",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/runway-server",
                "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=", "SuccessExitStatus=143",
                "EnvironmentFile=/etc/opt/runway/server/server.env",
                "LoadCredential=database-password:/etc/opt/runway/server/database-password",
                "ExecStart=/opt/runway/bin/runway server --data-dir /var/lib/runway-server $RUNWAY_SERVER_OPTS"
                        + " --database-password-file %d/database-password");
        assertThat(text).doesNotContain(PASSWORD).doesNotContain("{{");
        assertThat(run.all()).doesNotContain(PASSWORD);
        assertThat(RuntimeImage.sameContent(t.image, t.at("/opt/runway"))).isTrue();
        assertThat(run.out()).contains("systemctl enable --now runway-server.service")
                .contains("/var/lib/runway-server/admin-token");
    }

    @Test
    void withoutADatabaseTheUnitNamesNoCredential() throws IOException {
        assertThat(install().exit()).isZero();

        String unit = Files.readString(t.at("/etc/systemd/system/runway-server.service"));
        assertThat(unit).doesNotContain("LoadCredential").doesNotContain("--database-password-file")
                .contains("ExecStart=/opt/runway/bin/runway server --data-dir /var/lib/runway-server"
                        + " $RUNWAY_SERVER_OPTS\n");
        assertThat(Files.readString(t.at("/etc/opt/runway/server/server.env"))).doesNotContain("DATABASE");
    }

    @Test
    void secondRunChangesNothingAndADryRunWritesNothing() throws IOException {
        Map<String, String> empty = t.snapshot();
        CliRun dry = install("--dry-run", "--start");
        assertThat(dry.exit()).as(dry.all()).isZero();
        assertThat(t.snapshot()).isEqualTo(empty);
        assertThat(dry.out()).contains("would: user runway (system account): useradd --root " + t.root
                        + " --system --user-group --no-create-home --home-dir /var/lib/runway-server")
                .contains("would: directory /var/lib/runway-server (runway:runway, 0700)")
                .contains("would: write /etc/systemd/system/runway-server.service (root, 0644, systemd unit)")
                .contains("would: enable the service in " + t.root + ": systemctl --root=" + t.root
                        + " enable runway-server.service")
                .contains("install (dry run, nothing changed): 7 would change, 0 unchanged");

        assertThat(install().exit()).isZero();
        Map<String, String> before = t.snapshot();
        CliRun again = install();

        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out().lines().filter(l -> l.startsWith("["))).allMatch(l -> l.contains("] unchanged: "));
        assertThat(again.out()).contains("install: 0 changed, 6 unchanged");
        assertThat(t.snapshot()).isEqualTo(before);

        CliRun moved = CliRun.runway("install", "server", "--root", t.root.toString(), "--image", t.image.toString(),
                "--listen", "127.0.0.1:9000");
        assertThat(moved.out()).contains("install: 1 changed, 5 unchanged");
        assertThat(Files.readString(t.at("/etc/opt/runway/server/server.env"))).contains("--listen 127.0.0.1:9000");
    }

    @Test
    void uninstallRemovesTheUnitAndImageAndKeepsTheDataUnlessPurged() throws IOException {
        assertThat(install("--database", "postgresql://db.example:5432/runway", "--database-password-file",
                passwordFile().toString()).exit()).isZero();
        Path data = t.at("/var/lib/runway-server");
        Files.writeString(data.resolve("admin-token"), "kept");
        Map<String, String> installed = t.snapshot();
        CliRun dry = uninstall("--purge", "--dry-run");
        assertThat(dry.exit()).as(dry.all()).isZero();
        assertThat(t.snapshot()).isEqualTo(installed);
        assertThat(dry.out()).contains("disable the service in " + t.root)
                .contains("would: remove systemd unit /etc/systemd/system/runway-server.service")
                .contains("would: remove data directory /var/lib/runway-server")
                .contains("would: remove user runway if runway install created it: userdel --root " + t.root
                        + " runway");

        CliRun kept = uninstall();

        assertThat(kept.exit()).as(kept.all()).isZero();
        assertThat(t.at("/etc/systemd/system/runway-server.service")).doesNotExist();
        assertThat(t.at("/opt/runway/bin/runway")).doesNotExist();
        assertThat(Files.readString(data.resolve("admin-token"))).isEqualTo("kept");
        assertThat(t.at("/etc/opt/runway/server/database-password")).exists();
        assertThat(Files.readString(t.at("/etc/passwd"))).contains("runway:");
        assertThat(kept.out()).contains("/var/lib/runway-server stays");

        CliRun purged = uninstall("--purge");

        assertThat(purged.exit()).as(purged.all()).isZero();
        assertThat(data).doesNotExist();
        assertThat(t.at("/etc/opt/runway/server")).doesNotExist();
        assertThat(Files.readAllLines(t.at("/etc/passwd"))).noneMatch(l -> l.startsWith("runway:"));
        CliRun again = uninstall("--purge");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out().lines().filter(l -> l.startsWith("["))).allMatch(l -> l.contains("] unchanged: "));
    }

    @Test
    void uninstallKeepsTheImageTheLaunchAgentRuns() throws IOException {
        assertThat(install().exit()).isZero();
        Path agentUnit = t.at("/etc/systemd/system/runway.service");
        Files.writeString(agentUnit, "[Service]\nExecStart=/opt/runway/bin/runway launch-agent --config x\n");

        CliRun run = uninstall();

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(t.at("/etc/systemd/system/runway-server.service")).doesNotExist();
        assertThat(RuntimeImage.sameContent(t.image, t.at("/opt/runway"))).isTrue();
        assertThat(run.out()).contains("The runtime image at /opt/runway stays");
    }

    private CliRun uninstall(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("uninstall", "server", "--root", t.root.toString()));
        args.addAll(List.of(extra));
        return CliRun.runway(args.toArray(String[]::new));
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Map<String, String> before = t.snapshot();
        Path password = passwordFile();
        CliRun badListen = CliRun.runway("install", "server", "--root", t.root.toString(), "--listen", "nowhere");
        assertThat(badListen.exit()).isNotZero();
        assertThat(badListen.err()).contains("--listen: \"nowhere\" is not HOST:PORT");
        for (List<String> bad : List.of(List.of("--user", "Runway"),
                List.of("--database", "postgresql://runway:" + PASSWORD + "@db/runway"),
                List.of("--database", "postgresql://db/runway?password=" + PASSWORD),
                List.of("--database-password-file", password.toString()),
                List.of("--database", "postgresql://db/run way"))) {
            CliRun run = install(bad.toArray(String[]::new));
            assertThat(run.exit()).as(bad.toString()).isNotZero();
            assertThat(run.err()).as(bad.toString()).contains(bad.get(0)).doesNotContain(PASSWORD);
        }
        assertThat(t.snapshot()).isEqualTo(before);
    }
}
