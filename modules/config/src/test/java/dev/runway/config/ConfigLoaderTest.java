package dev.runway.config;

import static dev.runway.config.Configs.HOST;
import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.parse;
import static dev.runway.config.Configs.problems;
import static dev.runway.config.Configs.withToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The nested form, every key, and the defaults. */
class ConfigLoaderTest {

    @Test
    void readsTheFactsFileNestedFormWithEveryKey() throws ConfigException {
        LaunchAgentConfig config = parse(Samples.NESTED_FULL).config();

        assertThat(config.api().url()).isEqualTo("https://runner.example.com");
        assertThat(config.api().authToken().reveal()).isEqualTo("AUTH_TOKEN_VALUE_1234");
        Runner runner = config.runner();
        assertThat(runner.name()).isEqualTo("RUNNER_NAME");
        assertThat(runner.commandPrefix()).containsExactly("/opt/circleci/launch-task");
        assertThat(runner.workingDirectory()).isEqualTo("/opt/circleci/workdir/%s");
        assertThat(runner.cleanupWorkingDirectory()).isTrue();
        assertThat(runner.maxRunTime()).isEqualTo(Duration.ofHours(5));
        assertThat(runner.mode()).isEqualTo(Mode.CONTINUOUS);
        assertThat(runner.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(runner.disableAutoUpdate()).isTrue();
        assertThat(runner.sshAdvertiseAddr()).isEqualTo("host:54782");
        assertThat(config.logging().file()).isEqualTo("/Library/Logs/com.circleci.runner.log");
        assertThat(config.logging().level()).isEqualTo(Logging.Level.INFO);
        assertThat(config.logging().format()).isEqualTo(Logging.Format.TEXT);
    }

    @Test
    void defaultsAreCircleCisWithRunwaysOwnAdded() throws ConfigException {
        LoadedConfig loaded = parse(withToken(""));
        LaunchAgentConfig config = loaded.config();

        assertThat(loaded.warnings()).isEmpty();
        assertThat(config.api().url()).isEqualTo("http://127.0.0.1:7733");
        Runner runner = config.runner();
        assertThat(runner.name()).isEqualTo(HOST);
        assertThat(runner.commandPrefix()).isEmpty();
        assertThat(runner.workingDirectory()).isEqualTo("/var/opt/runway/workdir/%s");
        assertThat(runner.cleanupWorkingDirectory()).isFalse();
        assertThat(runner.maxRunTime()).isEqualTo(Duration.ofHours(5));
        assertThat(runner.mode()).isEqualTo(Mode.CONTINUOUS);
        assertThat(runner.idleTimeout()).isZero();
        assertThat(runner.disableAutoUpdate()).isFalse();
        assertThat(runner.launcher()).isEqualTo("auto");
        assertThat(runner.taskUser()).isNull();
        assertThat(runner.maxConcurrentTasks()).isEqualTo(1);
        assertThat(runner.gracePeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(runner.sshAdvertiseAddr()).isNull();
        Logging logging = config.logging();
        assertThat(logging.file()).isEqualTo("-");
        assertThat(logging.toStderr()).isTrue();
        assertThat(logging.level()).isEqualTo(Logging.Level.INFO);
        assertThat(logging.format()).isEqualTo(Logging.Format.TEXT);
        assertThat(logging.maxFileBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(logging.maxFiles()).isEqualTo(5);
        assertThat(config.health().listen()).isEmpty();
        assertThat(config.health().enabled()).isFalse();
    }

    @Test
    void readsRunwaysOwnKeys() throws ConfigException {
        LaunchAgentConfig config = parse(withToken("""
                runner:
                  launcher: systemd
                  task_user: circleci
                  max_concurrent_tasks: 4
                  grace_period: 30s
                  mode: single-task
                logging:
                  level: debug
                  format: json
                  max_file_size: 5MiB
                  max_files: 3
                health:
                  listen: 127.0.0.1:9797
                """)).config();

        assertThat(config.runner().launcher()).isEqualTo("systemd");
        assertThat(config.runner().taskUser()).isEqualTo("circleci");
        assertThat(config.runner().maxConcurrentTasks()).isEqualTo(4);
        assertThat(config.runner().gracePeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.runner().mode()).isEqualTo(Mode.SINGLE_TASK);
        assertThat(config.logging().level()).isEqualTo(Logging.Level.DEBUG);
        assertThat(config.logging().format()).isEqualTo(Logging.Format.JSON);
        assertThat(config.logging().maxFileBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(config.logging().maxFiles()).isEqualTo(3);
        assertThat(config.health().listen()).isEqualTo("127.0.0.1:9797");
        assertThat(config.health().enabled()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"auto", "process", "systemd", "subreaper", "macos", "SYSTEMD"})
    void acceptsEveryLauncher(String launcher) throws ConfigException {
        assertThat(parse(withToken("runner:\n  launcher: " + launcher + "\n")).config().runner().launcher())
                .isEqualTo(launcher.toLowerCase());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"COLOR, color", "TEXT, text", "JSON, json", "NONE, none", "JSON, JSON"})
    void acceptsEveryFormat(Logging.Format expected, String written) throws ConfigException {
        assertThat(parse(withToken("logging:\n  format: " + written + "\n")).config().logging().format())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DEBUG, debug", "INFO, info", "WARN, warn", "ERROR, error", "WARN, WARN"})
    void acceptsEveryLevel(Logging.Level expected, String written) throws ConfigException {
        assertThat(parse(withToken("logging:\n  level: " + written + "\n")).config().logging().level())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "max_run_time: {0}")
    @CsvSource({"72h, PT72H", "1h30m, PT1H30M", "30s, PT30S", "50m, PT50M", "1h30m20s, PT1H30M20S",
            "500ms, PT0.5S", "1.5h, PT1H30M", "'\"2h\"', PT2H"})
    void readsEveryDurationForm(String written, Duration expected) throws ConfigException {
        LaunchAgentConfig config = parse(withToken("runner:\n  max_run_time: " + written + "\n"
                + "  idle_timeout: " + written + "\n  grace_period: " + written + "\n")).config();
        assertThat(config.runner().maxRunTime()).isEqualTo(expected);
        assertThat(config.runner().idleTimeout()).isEqualTo(expected);
        assertThat(config.runner().gracePeriod()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "max_run_time: {0}")
    @ValueSource(strings = {"5", "5x", "1d", "-1h", "1h 30m", "five", "1H", "3w", "1e3s", "true", "1h30", "9999999h"})
    void refusesAnyOtherDurationQuotingItWithItsLine(String written) {
        List<Problem> problems = problems(withToken("runner:\n  max_run_time: " + written + "\n"));
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("runner.max_run_time");
            assertThat(problem.line()).isEqualTo(4);
            assertThat(problem.column()).isEqualTo(3);
            assertThat(problem.message()).contains("\"" + written + "\"").contains("72h");
        });
    }

    @Test
    void zeroIsNeverForIdleTimeoutButNotAllowedForMaxRunTime() throws ConfigException {
        assertThat(parse(withToken("runner:\n  idle_timeout: 0\n")).config().runner().idleTimeout()).isZero();
        assertThat(problems(withToken("runner:\n  max_run_time: 0s\n"))).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("longer than 0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"true, true", "false, false", "yes, true", "no, false", "on, true", "off, false", "'\"true\"', true",
            "True, true", "FALSE, false"})
    void readsBooleans(String written, boolean expected) throws ConfigException {
        assertThat(parse(withToken("runner:\n  cleanup_working_directory: " + written + "\n")).config().runner()
                .cleanupWorkingDirectory()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10485760, 10485760", "10MiB, 10485760", "10MB, 10000000", "500KB, 500000", "64KiB, 65536",
            "1.5GiB, 1610612736", "1GB, 1000000000", "0, 0", "'\"2 MiB\"', 2097152", "100B, 100"})
    void readsFileSizes(String written, long expected) throws ConfigException {
        assertThat(parse(withToken("logging:\n  max_file_size: " + written + "\n")).config().logging()
                .maxFileBytes()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10XB", "ten", "-5", "1.2.3MB", "MB", "99999999999999GiB"})
    void refusesBadFileSizes(String written) {
        assertThat(problems(withToken("logging:\n  max_file_size: " + written + "\n"))).singleElement()
                .satisfies(problem -> assertThat(problem.key()).isEqualTo("logging.max_file_size"));
    }

    @Test
    void anEmptyOrCommentOnlyFileLacksOnlyTheToken() {
        for (String text : List.of("", "# nothing here\n", "---\n")) {
            assertThat(problems(text)).singleElement().satisfies(problem -> {
                assertThat(problem.key()).isEqualTo("api.auth_token");
                assertThat(problem.message()).contains("no API token supplied");
            });
        }
    }

    @Test
    void aKeyWithNothingAfterItTakesTheDefault() throws ConfigException {
        LaunchAgentConfig config = parse(withToken("runner:\n  name:\n  max_run_time: ~\nlogging:\n")).config();
        assertThat(config.runner().name()).isEqualTo(HOST);
        assertThat(config.runner().maxRunTime()).isEqualTo(Duration.ofHours(5));
    }

    @Test
    void quotedAndNumericScalarsAreReadAsWritten() throws ConfigException {
        LaunchAgentConfig config = parse("api:\n  auth_token: \"" + TOKEN + "\"\nrunner:\n  name: 1.10\n"
                + "  command_prefix: [\"/bin/sh\", '-c', 007]\n").config();
        assertThat(config.api().authToken().reveal()).isEqualTo(TOKEN);
        assertThat(config.runner().name()).isEqualTo("1.10");
        assertThat(config.runner().commandPrefix()).containsExactly("/bin/sh", "-c", "007");
    }
}
