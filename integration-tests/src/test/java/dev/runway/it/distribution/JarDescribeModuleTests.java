package dev.runway.it.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each module's descriptor, as {@code jar --describe-module} prints it, equals its golden file (JUnit 5's idea): a
 * changed export, requires or provides shows up in review. Regenerate with {@code -Drunway.updateGolden=true}.
 */
class JarDescribeModuleTests {
    private static final Path REPO = Path.of(System.getProperty("runway.repo", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("runway.version", "0.1.0-SNAPSHOT");

    static Stream<String> modules() {
        return Stream.of("modules/config", "modules/protocol", "modules/pipeline", "modules/client", "modules/launcher", "modules/agent",
                "modules/taskagent", "modules/dashboard", "modules/server", "modules/cli", "launchers-linux", "launchers-macos");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void descriptorMatchesGoldenFile(String module) throws IOException {
        String artifact = "runway-" + Path.of(module).getFileName();
        Path jar = REPO.resolve(module).resolve("target").resolve(artifact + "-" + VERSION + ".jar");
        assertThat(jar).as("module jar (run the package phase first)").exists();
        String described = describe(jar);
        Path golden = REPO.resolve("integration-tests/src/test/resources/modules").resolve(artifact + ".txt");
        if (Boolean.getBoolean("runway.updateGolden")) {
            Files.writeString(golden, described);
        }
        assertThat(golden).as("golden file").exists();
        assertThat(described).as("jar --describe-module of %s", jar.getFileName())
                .isEqualTo(Files.readString(golden));
    }

    /** The tool's output without the first line's jar location, lines sorted for a stable comparison. */
    private static String describe(Path jar) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = tool.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--describe-module", "--file", jar.toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\\R"))
                .map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
        String header = lines.remove(0).replaceAll("\\s.*$", "").replace("@" + VERSION, "");
        return header + "\n" + lines.stream().sorted().collect(Collectors.joining("\n")) + "\n";
    }
}
