package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code runway gc} and {@code runway project artifact-retention}, in process, against a real server. */
class GcCommandTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result runway(Map<String, String> environment, String... args) {
        CommandLine commandLine = Runway.commandLine();
        inject(commandLine, environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Result(commandLine.execute(args), out.toString(), err.toString());
    }

    private static void inject(CommandLine commandLine, Map<String, String> environment) {
        if (commandLine.getCommand() instanceof ManagementCommand command) {
            command.environment = environment;
        }
        commandLine.getSubcommands().values().forEach(sub -> inject(sub, environment));
    }

    @Test
    void gcSweepsAndAProjectKeepsItsArtifactsAsLongAsItSays() throws Exception {
        try (RunwayServer server = RunwayServer.start(new ServerSettings(dir.resolve("data"), "127.0.0.1", 0))) {
            Map<String, String> environment = Map.of("RUNWAY_HOST", server.uri().toString(), "CIRCLE_TOKEN",
                    server.adminToken(), "XDG_CONFIG_HOME", dir.resolve("config").toString());
            // a blob nothing refers to, left from long ago: the sweep removes it
            Path orphan = Files.createDirectories(dir.resolve("data/blobs/objects/ab")).resolve("ab".repeat(32));
            Files.writeString(orphan, "orphan");
            Files.setLastModifiedTime(orphan, java.nio.file.attribute.FileTime.fromMillis(0));

            Result gc = runway(environment, "gc");
            assertThat(gc.exit()).as(gc.err()).isZero();
            assertThat(gc.out()).contains("Removed 0 cache entries, 0 workspace layers, 0 artifacts; 1 blobs");
            assertThat(orphan).doesNotExist();
            assertThat(runway(environment, "gc", "-o", "json").out()).contains("\"blobs\" : 0");

            assertThat(runway(environment, "namespace", "create", "acme", "github", "acme").exit()).isZero();
            Path repo = Files.createDirectories(dir.resolve("repo"));
            assertThat(runway(environment, "project", "create", "acme", repo.toString(), "--name", "app").exit())
                    .isZero();
            Result set = runway(environment, "project", "artifact-retention", "gh/acme/app", "7");
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(set.out()).contains("Artifacts of gh/acme/app are kept 7 days.");
            assertThat(runway(environment, "project", "artifact-retention", "gh/acme/app", "default").out())
                    .contains("kept 30 days (the server's default)");
            Result bad = runway(environment, "project", "artifact-retention", "gh/acme/app", "soon");
            assertThat(bad.exit()).isEqualTo(Runway.EXIT_INVALID);
            assertThat(bad.err()).contains("DAYS", "soon");
        }
    }
}
