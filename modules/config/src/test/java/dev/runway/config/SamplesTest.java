package dev.runway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped samples and the install guide's samples (Linux, macOS, Docker by environment) all validate. */
class SamplesTest {

    @Test
    void theLinuxSampleValidates() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.load(Samples.LINUX, Map.of());
        Runner runner = loaded.config().runner();
        assertThat(runner.commandPrefix()).containsExactly("/opt/runway/launch-task");
        assertThat(runner.workingDirectory()).isEqualTo("/var/opt/runway/workdir/%s");
        assertThat(runner.taskUser()).isEqualTo("circleci");
        assertThat(runner.maxConcurrentTasks()).isEqualTo(2);
        assertThat(loaded.config().health().listen()).isEqualTo("127.0.0.1:9797");
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning).contains("placeholder"));
        assertThat(loaded.warnings()).noneSatisfy(warning -> assertThat(warning).contains("flat layout"));
    }

    @Test
    void theMacosSampleValidates() throws ConfigException {
        LoadedConfig loaded = ConfigLoader.load(Samples.MACOS, Map.of());
        Runner runner = loaded.config().runner();
        assertThat(runner.commandPrefix()).containsExactly("sudo", "-niHu", "USERNAME", "--");
        assertThat(runner.workingDirectory()).isEqualTo("/tmp/%s");
        assertThat(runner.launcher()).isEqualTo("macos");
        assertThat(loaded.config().logging().file()).isEqualTo("/Library/Logs/com.runway.runner.log");
    }

    @Test
    void theDockerEnvironmentSampleValidatesWithoutAFile() throws ConfigException {
        Map<String, String> environment = Samples.envFile(Samples.DOCKER_ENV);
        LoadedConfig loaded = ConfigLoader.load(null, environment);
        LaunchAgentConfig config = loaded.config();
        assertThat(config.api().authToken().reveal()).isEqualTo("REPLACE_WITH_RESOURCE_CLASS_TOKEN");
        assertThat(config.api().url()).isEqualTo("http://runway-server:7733");
        assertThat(config.runner().name()).isEqualTo("docker-runner-1");
        assertThat(config.runner().cleanupWorkingDirectory()).isTrue();
        assertThat(config.runner().maxRunTime()).isEqualTo(Duration.ofHours(5));
        assertThat(config.logging().format()).isEqualTo(Logging.Format.JSON);
        assertThat(loaded.warnings()).noneSatisfy(warning -> assertThat(warning).contains("not a Runway setting"));
    }

    @Test
    void theGuidesDockerCommandLineIsEnough() throws ConfigException {
        // CIRCLECI_RESOURCE_CLASS=<resource-class> CIRCLECI_API_TOKEN=<runner-token> docker run --env ...
        LoadedConfig loaded = ConfigLoader.load(null, Map.of("CIRCLECI_RESOURCE_CLASS", "my-namespace/my-rc",
                "CIRCLECI_API_TOKEN", "<runner-token>"));
        assertThat(loaded.config().api().authToken().reveal()).isEqualTo("<runner-token>");
    }

    @Test
    void theGuidesLinuxAndMacosSamplesValidate() throws ConfigException {
        assertThat(Configs.parse(Samples.GUIDE_LINUX).config().runner().commandPrefix())
                .containsExactly("/opt/circleci/launch-task");
        assertThat(Configs.parse(Samples.GUIDE_MACOS).config().runner().commandPrefix())
                .containsExactly("sudo", "-niHu", "USERNAME", "--");
    }

    @Test
    void everyLaunchAgentConfigInConfigSamplesValidates() throws IOException, ConfigException {
        List<Path> configs;
        try (Stream<Path> files = Files.walk(Samples.CONFIG_SAMPLES)) {
            configs = files.filter(file -> file.getFileName().toString().startsWith("launch-agent-config")).toList();
        }
        assertThat(configs).contains(Samples.LINUX, Samples.MACOS);
        for (Path config : configs) {
            assertThat(ConfigLoader.load(config, Map.of()).config()).as(config.toString()).isNotNull();
        }
    }
}
