package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.parse;
import static dev.runway.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flat layout a user gets by copying the install guide verbatim (its HTML lost the YAML's nesting). */
class FlatLayoutTest {

    @Test
    void readsTheGuidesLinuxSampleWithAWarningNamingEachNestedKey() throws ConfigException {
        LoadedConfig loaded = parse(Samples.GUIDE_LINUX);
        Runner runner = loaded.config().runner();

        assertThat(loaded.config().api().authToken().reveal()).isEqualTo("AUTH_TOKEN");
        assertThat(runner.commandPrefix()).containsExactly("/opt/circleci/launch-task");
        assertThat(runner.workingDirectory()).isEqualTo("/opt/circleci/workdir/%s");
        assertThat(runner.cleanupWorkingDirectory()).isTrue();
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .startsWith("launch-agent-config.yaml:1:3: auth_token:").contains("api.auth_token"));
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .startsWith("launch-agent-config.yaml:2:3: command_prefix:").contains("runner.command_prefix"));
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("working_directory").contains("runner.working_directory"));
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("runner.cleanup_working_directory"));
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning).contains("placeholder"));
    }

    @Test
    void readsTheGuidesMacosTemplateIncludingItsSpaceBeforeTheColon() throws ConfigException {
        LoadedConfig loaded = parse(Samples.GUIDE_MACOS);
        LaunchAgentConfig config = loaded.config();

        assertThat(config.runner().name()).isEqualTo("RUNNER_NAME");
        assertThat(config.runner().commandPrefix()).containsExactly("sudo", "-niHu", "USERNAME", "--");
        assertThat(config.runner().workingDirectory()).isEqualTo("/tmp/%s");
        assertThat(config.runner().cleanupWorkingDirectory()).isTrue();
        assertThat(config.logging().file()).isEqualTo("/Library/Logs/com.circleci.runner.log");
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("name:").contains("runner.name"));
        assertThat(loaded.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("file:").contains("logging.file"));
    }

    @Test
    void everyFlatKeyMeansItsNestedKey() throws ConfigException {
        LaunchAgentConfig config = parse("""
                auth_token: %s
                url: https://runway.example.com
                max_run_time: 1h
                mode: single-task
                idle_timeout: 5m
                disable_auto_update: true
                launcher: process
                task_user: builder
                max_concurrent_tasks: 3
                grace_period: 2s
                level: warn
                format: json
                max_file_size: 1MiB
                max_files: 2
                listen: 127.0.0.1:0
                """.formatted(TOKEN)).config();

        assertThat(config.api().url()).isEqualTo("https://runway.example.com");
        assertThat(config.runner().maxRunTime()).isEqualTo(Duration.ofHours(1));
        assertThat(config.runner().mode()).isEqualTo(Mode.SINGLE_TASK);
        assertThat(config.runner().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.runner().disableAutoUpdate()).isTrue();
        assertThat(config.runner().launcher()).isEqualTo("process");
        assertThat(config.runner().taskUser()).isEqualTo("builder");
        assertThat(config.runner().maxConcurrentTasks()).isEqualTo(3);
        assertThat(config.runner().gracePeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.logging().level()).isEqualTo(Logging.Level.WARN);
        assertThat(config.logging().format()).isEqualTo(Logging.Format.JSON);
        assertThat(config.logging().maxFileBytes()).isEqualTo(1024 * 1024);
        assertThat(config.logging().maxFiles()).isEqualTo(2);
        assertThat(config.health().listen()).isEqualTo("127.0.0.1:0");
    }

    @Test
    void flatAndNestedMayBeMixed() throws ConfigException {
        LoadedConfig loaded = parse("api:\n  auth_token: " + TOKEN + "\nname: mixed-1\n");
        assertThat(loaded.config().runner().name()).isEqualTo("mixed-1");
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .isEqualTo("launch-agent-config.yaml:3:1: name: is the install guide's flat layout; Runway reads "
                        + "it as runner.name (write it under runner:)"));
    }

    @Test
    void theSameSettingFlatAndNestedIsAnErrorNamingBoth() {
        assertThat(problems("runner:\n  name: a\nname: b\napi:\n  auth_token: " + TOKEN + "\n")).singleElement()
                .satisfies(problem -> {
                    assertThat(problem.line()).isEqualTo(3);
                    assertThat(problem.key()).isEqualTo("name");
                    assertThat(problem.message()).contains("runner.name").contains("runner.name on line 2");
                });
    }
}
