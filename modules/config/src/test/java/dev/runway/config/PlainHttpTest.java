package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token and the jobs' secrets cross the network in clear text over http:// to another machine: a warning at the
 * agent's start, an error with config validate --strict; loopback and https:// are fine.
 */
class PlainHttpTest {
    @TempDir
    Path dir;

    private Path config(String url) throws Exception {
        Path file = dir.resolve("launch-agent-config.yaml");
        Files.writeString(file, "api:\n  auth_token: " + TOKEN + "\n  url: " + url + "\nrunner:\n  name: r\n"
                + "  working_directory: /var/opt/runway/workdir/%s\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void plainHttpToAnotherMachineIsAWarningAndAnErrorWhenStrict() throws Exception {
        Path file = config("http://runway.example.com:7733");
        LoadedConfig loaded = ConfigLoader.load(file, Map.of());
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .contains("api.url").contains("plain http://").contains("https://").contains("--strict")
                .doesNotContain(TOKEN));
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plain http://").hasMessageContaining("api.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:7733", "http://localhost:7733", "http://[::1]:7733",
        "https://runway.example.com"})
    void loopbackAndHttpsAreFine(String url) throws Exception {
        assertThat(ConfigLoader.load(config(url), Map.of(), true).warnings()).isEmpty();
    }
}
