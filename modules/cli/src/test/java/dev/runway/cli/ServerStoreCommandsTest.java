package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code runway server migrate | export} on an H2 data directory, and the database options' refusals: a password in
 * the URL, a password file without a database.
 */
class ServerStoreCommandsTest {
    @TempDir
    Path temp;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine line = Runway.commandLine(args);
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    @Test
    void migrateThenExportPrintEveryTableWithItsRowsAndDigest() throws Exception {
        Path data = temp.resolve("data");
        Files.createDirectories(data);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "server", "migrate", "--data-dir", data.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("database schema: version").contains("(was none)");
        StringWriter again = new StringWriter();
        assertThat(run(again, err, "server", "--data-dir", data.toString(), "migrate")).isZero();
        assertThat(again.toString()).contains("up to date");

        StringWriter exported = new StringWriter();
        Path dir = temp.resolve("export");
        assertThat(run(exported, err, "server", "export", dir.toString(), "--data-dir", data.toString()))
                .as(err.toString()).isZero();
        assertThat(exported.toString()).containsPattern("jobs\\s+0 rows\\s+sha256 [0-9a-f]{64}")
                .contains("exported into " + dir);
        assertThat(dir.resolve("manifest.tsv")).exists();
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutBeingShown() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "server", "migrate", "--data-dir", temp.toString(), "--database",
                "postgresql://db.example/runway?user=ci&password=hunter2secret");
        assertThat(exit).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("--database").contains("password is refused")
                .doesNotContain("hunter2secret");
        StringWriter userInfo = new StringWriter();
        assertThat(run(out, userInfo, "server", "migrate", "--database", "postgresql://ci:hunter2secret@db/runway"))
                .isEqualTo(Runway.EXIT_INVALID);
        assertThat(userInfo.toString()).contains("no user or password before the host").doesNotContain("hunter2");
    }

    @Test
    void aPasswordFileNeedsADatabase() throws Exception {
        Path file = Files.writeString(temp.resolve("pw"), "secret\n");
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "server", "migrate", "--data-dir", temp.toString(),
                "--database-password-file", file.toString())).isEqualTo(Runway.EXIT_INVALID);
        assertThat(err.toString()).contains("--database-password-file: needs --database");
    }
}
