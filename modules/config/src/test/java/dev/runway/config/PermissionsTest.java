package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files with real modes and owners: the StrictModes-like check. */
class PermissionsTest {
    private static final String WITH_TOKEN = "api:\n  auth_token: " + TOKEN + "\n";
    private static final String WITHOUT_TOKEN = "runner:\n  name: no-token-here\n";
    private static final Map<String, String> TOKEN_IN_ENVIRONMENT = Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", TOKEN);

    @TempDir
    Path directory;

    private Path file(String content, String mode) throws IOException {
        Path file = directory.resolve("launch-agent-config.yaml");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aPrivateFileGetsNoWarning() throws Exception {
        Path file = file(WITH_TOKEN, "rw-------");
        assumeTrue(!FilePermissions.runningAsRoot() || Files.getOwner(file).getName().equals("root"));
        assertThat(ConfigLoader.load(file, Map.of(), true).warnings()).isEmpty();
    }

    @Test
    void aTokenReadableByOthersIsAWarningAndWithStrictAnError() throws Exception {
        Path file = file(WITH_TOKEN, "rw-r--r--");

        LoadedConfig loaded = ConfigLoader.load(file, Map.of());
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .startsWith(file + ": holds the token but is readable by group or others (rw-r--r--)")
                .contains("chmod 600").contains("--strict").doesNotContain(TOKEN));

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("readable by group or others")
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement()
                        .satisfies(problem -> assertThat(problem.file()).isEqualTo(file.toString())));
    }

    @Test
    void groupReadableAloneCounts() throws Exception {
        assertThat(ConfigLoader.load(file(WITH_TOKEN, "rw-r-----"), Map.of()).warnings())
                .singleElement().satisfies(warning -> assertThat(warning).contains("(rw-r-----)"));
    }

    @Test
    void aFileWithoutTheTokenMayBeReadable() throws Exception {
        assertThat(ConfigLoader.load(file(WITHOUT_TOKEN, "rw-r--r--"), TOKEN_IN_ENVIRONMENT, true).warnings())
                .isEmpty();
    }

    @Test
    void aFileOthersMayWriteIsAWarningEvenWithoutTheToken() throws Exception {
        Path file = file(WITHOUT_TOKEN, "rw-rw-r--");
        assertThat(ConfigLoader.load(file, TOKEN_IN_ENVIRONMENT).warnings()).singleElement()
                .satisfies(warning -> assertThat(warning).contains("writable by group or others")
                        .contains("chmod go-w"));
        assertThatThrownBy(() -> ConfigLoader.load(file, TOKEN_IN_ENVIRONMENT, true))
                .hasMessageContaining("writable by group or others");
    }

    @Test
    void worldWritableWithTheTokenGivesBothWarnings() throws Exception {
        assertThat(ConfigLoader.load(file(WITH_TOKEN, "rw-rw-rw-"), Map.of()).warnings()).hasSize(2);
    }

    @Test
    void whenRunningAsRootTheFileMustBeRoots() throws Exception {
        assumeTrue(FilePermissions.runningAsRoot(), "needs root to chown");
        Path file = file(WITH_TOKEN, "rw-------");
        UserPrincipal nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(file, nobody);

        assertThat(ConfigLoader.load(file, Map.of()).warnings()).singleElement().satisfies(warning -> assertThat(
                warning).contains("is owned by nobody, not root").contains("chown root"));
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), true)).hasMessageContaining("owned by nobody");
        // The same file is fine for an agent that does not run as root.
        assertThat(FilePermissions.check(file, true, false)).isEmpty();
    }

    @Test
    void aMissingFileOrADirectoryIsAProblemNamingIt() {
        Path missing = directory.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing + ": does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(directory, Map.of()))
                .hasMessageContaining(directory + ": is a directory");
    }

    @Test
    void aFileTooLargeIsRefusedWithoutReadingIt() throws Exception {
        Path file = directory.resolve("big.yaml");
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.position(50L * 1024 * 1024).write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}));
        }
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("is larger than");
    }

    @Test
    void environmentOnlyNeedsNoFile() throws Exception {
        assertThat(ConfigLoader.load(null, TOKEN_IN_ENVIRONMENT).config().api().authToken().reveal())
                .isEqualTo(TOKEN);
    }
}
