package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code runway server rotate-key}: options of {@code server} given after the subcommand; a pending rotation is refused. */
class ServerRotateKeyTest {
    @TempDir
    Path data;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine line = Runway.commandLine(args);
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        return line.execute(args);
    }

    @Test
    void rotatesTheKeyFileOnceUntilTheServerFinishesTheRotation() throws Exception {
        RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0)).close();
        String before = Files.readString(data.resolve("secrets.key"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "server", "rotate-key", "--data-dir", data.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("secrets.key.previous").contains("restart the server");
        assertThat(Files.readString(data.resolve("secrets.key.previous"))).isEqualTo(before);
        assertThat(out.toString() + err).doesNotContain(before.strip());

        StringWriter again = new StringWriter();
        assertThat(run(new StringWriter(), again, "server", "--data-dir", data.toString(), "rotate-key")).isEqualTo(1);
        assertThat(again.toString()).contains("not finished");

        RunwayServer.start(new ServerSettings(data, "127.0.0.1", 0)).close();
        assertThat(data.resolve("secrets.key.previous")).doesNotExist();
    }
}
